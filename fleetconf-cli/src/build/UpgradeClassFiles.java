import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rewrites the class files of a jar that are older than Java 6 (class-file version 50) under the
 * given packages as Java 8 class files, with the stack maps the new verifier needs. The JDK's AOT
 * cache holds only classes that verifier checks, and picocli ships Java 5 class files: without
 * this, a client verb loads, verifies and links picocli's classes on every run (docs/performance.md,
 * "Command line"). The code is unchanged. Run by the fleetconf-cli build on JDK 24 and later
 * (java.lang.classfile): {@code java UpgradeClassFiles.java JAR PACKAGE-DIRECTORY...}
 */
public final class UpgradeClassFiles {
  private static final int OLDEST_KEPT = 50;
  private static final int UPGRADED = 52;

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    List<String> packages = List.of(args).subList(1, args.length);
    int upgraded = 0;
    try (URLClassLoader classes = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null);
        FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
      ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver
          .defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(classes))));
      for (String directory : packages) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(zip.getPath(directory))) {
          files = walk.filter(file -> file.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
          ClassModel model = classFile.parse(Files.readAllBytes(file));
          if (model.majorVersion() >= OLDEST_KEPT) {
            continue;
          }
          Files.write(file, classFile.transformClass(model, ClassTransform.transformingMethodBodies(
              CodeTransform.ACCEPT_ALL).andThen((builder, element) -> {
                if (element instanceof ClassFileVersion) {
                  builder.withVersion(UPGRADED, 0);
                } else {
                  builder.with(element);
                }
              })));
          upgraded++;
        }
      }
    }
    System.out.println("upgraded " + upgraded + " class files in " + jar + " to version " + UPGRADED);
  }
}
