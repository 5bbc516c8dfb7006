package io.fleetconf.git;

import io.fleetconf.core.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * A private bare clone of one source's branch: fetched on demand, then read commit by commit. Not
 * safe for concurrent use; one follower owns it.
 */
public final class Mirror implements AutoCloseable {
  /** The largest file the layout reads; a bigger one is refused rather than loaded. */
  public static final int MAX_FILE_BYTES = 1 << 20;
  /** How long a fetch may wait on the remote without progress. */
  static final int FETCH_TIMEOUT_SECONDS = 30;
  private final GitSource source;
  private final Repository repository;
  private final GitCredentials credentials;
  private final RepositoryLayout layout;

  private Mirror(GitSource source, Repository repository, GitCredentials credentials, RepositoryLayout layout) {
    this.source = source;
    this.repository = repository;
    this.credentials = credentials;
    this.layout = layout;
  }

  /** Opens the clone in {@code dir}, making an empty bare repository there if there is none; fetches without credentials. */
  public static Mirror open(Path dir, GitSource source) {
    return open(dir, source, GitCredentials.NONE, RepositoryLayout.FLEETCONF);
  }

  /**
   * {@link #open(Path, GitSource)}, fetching with {@code credentials}, and reading commits in
   * {@code layout}.
   */
  public static Mirror open(Path dir, GitSource source, GitCredentials credentials, RepositoryLayout layout) {
    try {
      Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
      if (!repository.getObjectDatabase().exists()) {
        Files.createDirectories(dir);
        repository.create(true);
      }
      return new Mirror(source, repository, credentials, layout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the clone of git source " + source.name() + " in " + dir, e);
    }
  }

  /**
   * Opens an existing repository (a working tree or a bare one) to read commits from, the layout
   * under {@code path}; nothing is fetched. For {@code fleetconf git plan}.
   */
  public static Mirror local(Path repo, String path) {
    GitSource source = new GitSource("local", repo.toString(), GitSource.DEFAULT_BRANCH, path);
    try {
      Repository repository = new FileRepositoryBuilder().readEnvironment().findGitDir(repo.toFile()).build();
      if (repository.getDirectory() == null || !repository.getObjectDatabase().exists()) {
        throw new GitFetchException("no git repository at " + repo);
      }
      return new Mirror(source, repository, GitCredentials.NONE, RepositoryLayout.FLEETCONF);
    } catch (IOException | IllegalArgumentException e) {
      throw new GitFetchException("no git repository at " + repo);
    }
  }

  /** The commit id {@code revision} (a branch, tag, id or expression such as {@code HEAD~1}) names. */
  public String resolve(String revision) {
    try {
      ObjectId id = repository.resolve(revision + "^{commit}");
      if (id == null) {
        throw new GitFetchException("no commit '" + revision + "' in " + source.url());
      }
      return id.name();
    } catch (IOException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
      throw new GitFetchException("no commit '" + revision + "' in " + source.url());
    }
  }

  /**
   * Fetches the branch (a force-push included) and answers its tip.
   *
   * @throws GitFetchException when the repository or the branch cannot be reached; the message
   *     shows the URL without credentials
   */
  public String fetch() {
    String ref = Constants.R_HEADS + source.branch();
    try (Git git = new Git(repository)) {
      // No tags (the layout is read from the branch only), and a bound on a remote that stops answering:
      // one thread polls every source in turn.
      Files.deleteIfExists(sshErrorFile()); // what ssh said in an earlier fetch is not this one's reason
      FetchCommand fetch = git.fetch().setRemote(source.url()).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
          .setTagOpt(TagOpt.NO_TAGS).setTimeout(FETCH_TIMEOUT_SECONDS);
      withCredentials(fetch).call();
      Ref tip = repository.exactRef(ref);
      if (tip == null) {
        throw new GitFetchException("git source " + source + ": branch " + source.branch() + " not found");
      }
      return tip.getObjectId().name();
    } catch (GitAPIException | IOException | org.eclipse.jgit.api.errors.JGitInternalException e) {
      throw new GitFetchException("git source " + source + ": cannot fetch: " + GitSource.redact(rootMessage(e)
          + sshErrors()));
    } catch (io.fleetconf.core.InvalidInputException e) {
      throw new GitFetchException("git source " + source + ": " + e.getMessage()); // its credentials file unreadable
    }
  }

  /** Where ssh writes its standard error for this clone's fetches. */
  private Path sshErrorFile() {
    return repository.getDirectory().toPath().resolve("fleetconf-ssh.err");
  }

  /** The last line ssh wrote on its standard error in the last fetch (why it could not connect), if any. */
  private String sshErrors() {
    try {
      String said = Files.exists(sshErrorFile()) ? Files.readString(sshErrorFile()).strip() : "";
      String line = said.substring(said.lastIndexOf('\n') + 1).strip();
      return line.isEmpty() ? "" : " (ssh: " + (line.length() > 300 ? line.substring(0, 300) + "..." : line) + ")";
    } catch (IOException | RuntimeException unreadable) {
      return "";
    }
  }

  private FetchCommand withCredentials(FetchCommand fetch) {
    return switch (credentials) {
      case GitCredentials.None none -> fetch;
      case GitCredentials.Password password -> {
        GitCredentials.Login login = password.read();
        yield fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(login.user(), login.password()));
      }
      case GitCredentials.SshKey key -> fetch.setTransportConfigCallback(transport -> {
        if (transport instanceof SshTransport ssh) {
          ssh.setSshSessionFactory(new ExternalSsh(key, sshErrorFile()));
        }
      });
    };
  }

  /** The branch's tip as last fetched, if it ever was: what a follower uses while the remote is away. */
  public Optional<String> lastFetched() {
    try {
      return Optional.ofNullable(repository.exactRef(Constants.R_HEADS + source.branch()))
          .map(ref -> ref.getObjectId().name());
    } catch (IOException e) {
      throw new UncheckedIOException("git source " + source.name() + ": cannot read its clone", e);
    }
  }

  /**
   * How many commits {@code commitId} has in its history, itself included: a number that grows with
   * every commit on a branch, used as the revision where there is no server to count change sets.
   */
  public long depth(String commitId) {
    try (RevWalk walk = new RevWalk(repository)) {
      walk.markStart(walk.parseCommit(ObjectId.fromString(commitId)));
      walk.setRetainBody(false);
      long count = 0;
      for (RevCommit ignored : walk) {
        count++;
      }
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException("git source " + source.name() + ": cannot walk to " + commitId, e);
    }
  }

  /** The innermost reason, without the URL (which may hold credentials; the message names the source). */
  private String rootMessage(Throwable e) {
    String message = e.getMessage();
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        message = cause.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message.replace(source.url(), source.displayUrl());
  }

  /** How the branch got from {@code from} to {@code to}. */
  public sealed interface Advance permits Forward, Rewritten {}

  /** {@code to} descends from {@code from}: these commits, oldest first. */
  public record Forward(List<Commit> commits) implements Advance {}

  /** {@code to} does not descend from {@code from} (a force-push): only the new tip. */
  public record Rewritten(Commit tip) implements Advance {}

  /** The commits after {@code from} up to and including {@code to}, oldest first, or that history was rewritten. */
  public Advance between(String from, String to) {
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit tip = walk.parseCommit(ObjectId.fromString(to));
      RevCommit base;
      try {
        base = walk.parseCommit(ObjectId.fromString(from));
      } catch (org.eclipse.jgit.errors.MissingObjectException gone) {
        return new Rewritten(commit(tip));
      }
      if (!walk.isMergedInto(base, tip)) {
        return new Rewritten(commit(tip));
      }
      walk.reset();
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(tip);
      walk.markUninteresting(base);
      List<Commit> commits = new ArrayList<>();
      for (RevCommit next : walk) {
        commits.add(commit(next));
      }
      return new Forward(commits);
    } catch (IOException e) {
      throw new UncheckedIOException("git source " + source.name() + ": cannot walk " + from + ".." + to, e);
    }
  }

  /** One commit's id, author and subject. */
  public Commit commit(String id) {
    try (RevWalk walk = new RevWalk(repository)) {
      return commit(walk.parseCommit(ObjectId.fromString(id)));
    } catch (IOException e) {
      throw new UncheckedIOException("git source " + source.name() + ": cannot read commit " + id, e);
    }
  }

  private static Commit commit(RevCommit commit) {
    PersonIdent author = commit.getAuthorIdent();
    return new Commit(commit.name(), author.getName(), author.getEmailAddress(), author.getWhenAsInstant(),
        commit.getShortMessage());
  }

  /** The desired state at {@code commitId}, read from the source's sub-path in the mirror's layout. */
  public DesiredState read(String commitId) {
    return read(commitId, Unsealer.NONE);
  }

  /** As {@link #read(String)}, opening sealed values with {@code unsealer}. */
  public DesiredState read(String commitId, Unsealer unsealer) {
    return layout.read(source.path(), files(commitId), unsealer);
  }

  /**
   * Every file at or below the source's sub-path at {@code commitId}, by repository path, as UTF-8 text. A file
   * that is not UTF-8 is refused if the layout reads it (it is never read with replacement characters), and left
   * out otherwise (an image beside the config, a Latin-1 README).
   */
  public SortedMap<String, String> files(String commitId) {
    SortedMap<String, String> files = new TreeMap<>();
    try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
      tree.addTree(walk.parseCommit(ObjectId.fromString(commitId)).getTree());
      tree.setRecursive(true);
      if (!source.path().isEmpty()) {
        tree.setFilter(PathFilter.create(source.path()));
      }
      while (tree.next()) {
        ObjectLoader blob = repository.open(tree.getObjectId(0));
        if (blob.getSize() > MAX_FILE_BYTES) {
          throw new LayoutException(tree.getPathString(), OptionalInt.empty(),
              "the file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        Optional<String> text = Utf8.decode(blob.getBytes());
        if (text.isPresent()) {
          files.put(tree.getPathString(), text.get());
        } else if (layout.reads(source.path(), tree.getPathString())) {
          throw new LayoutException(tree.getPathString(), OptionalInt.empty(),
              "the file is not UTF-8 text; fleetconf reads namespace files as UTF-8 (save it as UTF-8)");
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("git source " + source.name() + ": cannot read commit " + commitId, e);
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
