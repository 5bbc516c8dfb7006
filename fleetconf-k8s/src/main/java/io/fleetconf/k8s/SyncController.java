package io.fleetconf.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fleetconf.agent.OutputRendering;
import io.fleetconf.client.Config;
import io.fleetconf.client.Credentials;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.internal.ClientPlumbing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code fleetconf k8s sync}: follows each device's config through the client library (long-poll,
 * as the agent does) and keeps its ConfigMaps and Secrets in one Kubernetes namespace as the
 * mappings say; watches its own objects so that a hand edit or deletion is put back; rolls the
 * workloads that use what changed; reports per fleetconf namespace as the agent does. One thread
 * does all cluster writes, a device at a time, so passes never interleave.
 */
public final class SyncController implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SyncController.class.getName());

  private final SyncConfig settings;
  private final KubernetesClient kube;
  private final Objects objects;
  private final Rollouts rollouts;
  private final Map<String, FleetconfClient> clients = new ConcurrentHashMap<>();
  private final Map<String, OutputRendering> renderings = new ConcurrentHashMap<>();
  private final BlockingQueue<String> dirty = new LinkedBlockingQueue<>();
  private final java.util.Set<String> pending = ConcurrentHashMap.newKeySet();
  /** Devices whose last pass failed on the API server. */
  private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Reports reports;
  private final Map<Wanted.Ref, String> inSync = new ConcurrentHashMap<>();
  private final Map<Wanted.Ref, String> conflicts = new ConcurrentHashMap<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong passes = new AtomicLong();
  private volatile boolean closed;
  private Credentials credentials;

  private SyncController(SyncConfig settings, KubernetesClient kube) {
    this.settings = settings;
    this.kube = kube;
    this.objects = new Objects(kube, settings.kubernetesNamespace());
    this.rollouts = new Rollouts(kube, settings.kubernetesNamespace());
    this.reports = new Reports();
  }

  /** Starts following the devices and the cluster; close it to stop. */
  public static SyncController start(SyncConfig settings, KubernetesClient kube) {
    SyncController controller = new SyncController(settings, kube);
    controller.threads.add(Thread.ofVirtual().name("fleetconf-k8s-sync").start(controller::work));
    controller.connect();
    controller.watchCluster();
    controller.threads.add(Thread.ofVirtual().name("fleetconf-k8s-resync").start(controller::resync));
    return controller;
  }

  private void connect() {
    Credentials credentials = settings.resolveToken().map(Credentials::token).orElse(Credentials.none());
    if (settings.certificateFile().isPresent()) {
      credentials = credentials.withCertificate(settings.certificateFile().get(), settings.keyFile().orElseThrow());
    }
    if (settings.caFile().isPresent()) {
      credentials = credentials.withCaFile(settings.caFile().get());
    }
    this.credentials = credentials;
    settings.devices().forEach(this::follow);
    settings.nodeLabel().ifPresent(label -> watches.add(Nodes.follow(kube, label, this::follow, this::unfollow)));
  }

  private synchronized void follow(String device) {
    if (closed || clients.containsKey(device)) {
      return;
    }
    FleetconfClient client = FleetconfClient.builder().servers(settings.serverUrls().toArray(String[]::new))
        .deviceId(device).credentials(credentials).waitTime(settings.pollWaitTime()).start();
    renderings.put(device, new OutputRendering(device, settings.ansibleSettings()));
    clients.put(device, client);
    // Every answer, changed or not, so that each revision is confirmed in a report as the agent does.
    ClientPlumbing.get().onServerAnswer(client, config -> mark(device));
    mark(device);
  }

  /** Stops following a device (its node went or lost the label); its objects are left as they are. */
  private synchronized void unfollow(String device) {
    FleetconfClient client = clients.remove(device);
    if (client != null) {
      client.close();
      LOG.log(System.Logger.Level.INFO, "fleetconf-k8s: no node names device " + device
          + " any more; its objects are left as they are");
    }
  }

  /** What the sync holds now: objects it left alone because they are not fleetconf's, and its passes. */
  public record Status(Map<String, String> conflicts, long passes) {}

  /** The devices followed now: those listed, or those the cluster's nodes name. */
  public java.util.Set<String> following() {
    return java.util.Set.copyOf(clients.keySet());
  }

  public Status status() {
    Map<String, String> shown = new LinkedHashMap<>();
    conflicts.forEach((ref, why) -> shown.put(ref.toString(), why));
    return new Status(Map.copyOf(shown), passes.get());
  }

  /** Queues a pass of {@code device} unless one is queued already: a burst of changes is one pass. */
  private void mark(String device) {
    if (pending.add(device)) {
      dirty.add(device);
    }
  }

  private void work() {
    while (!closed) {
      String device;
      try {
        device = dirty.take();
        pending.remove(device); // a change from here on queues another pass
      } catch (InterruptedException e) {
        return;
      }
      try {
        pass(device);
        if (failing.remove(device)) {
          LOG.log(System.Logger.Level.INFO, "fleetconf-k8s: device " + device + " is in sync again");
        }
      } catch (RuntimeException e) {
        if (closed) {
          return; // closing: the clients went away under the pass
        }
        failed(device, e);
      }
      passes.incrementAndGet();
    }
  }

  private void failed(String device, RuntimeException failure) {
    if (failure instanceof KubernetesClientException e) {
      // The API server is away or refused a write: the resync tries again; nothing is lost meanwhile.
      // Said once per outage, not at every pass.
      LOG.log(failing.add(device) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "fleetconf-k8s: cannot sync device " + device + " ("
          + (e.getCode() > 0 ? e.getCode() + " " + firstLine(e.getMessage()) : "no answer from the API server: "
              + firstLine(rootCause(e).toString())) + "); trying again within " + settings.resyncTime());
    } else {
      LOG.log(System.Logger.Level.ERROR, "fleetconf-k8s: sync of device " + device + " failed", failure);
    }
  }

  /** What one pass of a device did: objects to keep, hashes for the workloads, outcomes per fleetconf namespace. */
  private record Pass(java.util.Set<Wanted.Ref> keep, Map<Wanted.Ref, String> hashes, Map<String, Reports.Result> results) {
    Pass() {
      this(new java.util.HashSet<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    }
  }

  /** One device, all its mappings: apply, prune what no mapping wants, roll, report. */
  private void pass(String device) {
    FleetconfClient client = clients.get(device);
    if (client == null) {
      return; // no longer followed
    }
    Config config = client.config();
    if (config.revision().value() == 0) {
      return; // nothing from the server yet: leave the cluster as it is
    }
    long revision = config.revision().value();
    Pass pass = new Pass();
    settings.objects().forEach(mapping -> apply(mapping, device, config, pass));
    objects.prune(device, pass.keep()).forEach(ref -> {
      inSync.remove(ref);
      LOG.log(System.Logger.Level.INFO, "fleetconf-k8s: deleted " + ref + " (" + device
          + "'s config no longer makes it)");
    });
    List<String> rolled = rollouts.roll(pass.hashes());
    if (!rolled.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "fleetconf-k8s: rolled " + String.join(", ", rolled) + " for revision " + revision);
    }
    pass.results().forEach((namespace, result) -> reports.send(client, device, namespace, revision, result));
  }

  private void apply(SyncConfig.Mapping mapping, String device, Config config, Pass pass) {
    String name = mapping.objectName(device);
    List<Wanted> wanted;
    try {
      wanted = Desired.objects(mapping, device, config, renderings.get(device));
    } catch (SyncException e) {
      // A mapping that fails keeps its objects as they are.
      pass.keep().add(new Wanted.Ref(Wanted.Kind.CONFIG_MAP, name));
      pass.keep().add(new Wanted.Ref(Wanted.Kind.SECRET, name));
      pass.results().merge(mapping.namespace(), Reports.Result.failed(name + ": " + e.getMessage()), Reports.Result::and);
      return;
    }
    for (Wanted object : wanted) {
      pass.keep().add(object.ref());
      pass.results().merge(mapping.namespace(), apply(object, config.revision().value()), Reports.Result::and);
      if (!conflicts.containsKey(object.ref())) {
        pass.hashes().put(object.ref(), object.hash());
      }
    }
  }

  private Reports.Result apply(Wanted object, long revision) {
    Objects.Outcome outcome = objects.apply(object, revision);
    if (outcome == Objects.Outcome.NOT_OURS) {
      String why = "not managed by fleetconf (no label " + Objects.MANAGED_BY + "=" + Objects.FLEETCONF
          + "): left alone";
      if (conflicts.put(object.ref(), why) == null) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-k8s: " + object.ref() + " in " + settings.kubernetesNamespace()
            + " is " + why);
      }
      return Reports.Result.failed(object.ref() + " is " + why);
    }
    conflicts.remove(object.ref());
    String before = inSync.put(object.ref(), object.hash());
    if (outcome != Objects.Outcome.UNCHANGED) {
      boolean putBack = object.hash().equals(before);
      String what = putBack ? "put back " + object.ref() + " (edited or deleted by hand)"
          : (outcome == Objects.Outcome.CREATED ? "created " : "updated ") + object.ref() + " at revision " + revision;
      LOG.log(System.Logger.Level.INFO, "fleetconf-k8s: " + what);
      if (putBack) {
        Events.restored(kube, settings.kubernetesNamespace(), object, what);
      }
    }
    return Reports.Result.applied(object.hash());
  }

  /** Watches the sync's own objects: any change or deletion makes its device's next pass compare and put back. */
  private void watchCluster() {
    String ns = settings.kubernetesNamespace();
    watches.add(kube.configMaps().inNamespace(ns).withLabel(Objects.MANAGED_BY, Objects.FLEETCONF).watch(watcher()));
    watches.add(kube.secrets().inNamespace(ns).withLabel(Objects.MANAGED_BY, Objects.FLEETCONF).watch(watcher()));
  }

  private <T extends HasMetadata> Watcher<T> watcher() {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        String device = object.getMetadata().getLabels() == null ? null
            : object.getMetadata().getLabels().get(Objects.DEVICE);
        if (device != null && clients.containsKey(device)) {
          mark(device);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // The client gave up reconnecting: the resync keeps objects right until the next start.
        LOG.log(System.Logger.Level.WARNING, "fleetconf-k8s: the watch on the cluster closed ("
            + firstLine(cause.getMessage()) + "); relying on the resync every " + settings.resyncTime());
      }
    };
  }

  private void resync() {
    while (!closed) {
      try {
        Thread.sleep(settings.resyncTime());
      } catch (InterruptedException e) {
        return;
      }
      clients.keySet().forEach(this::mark);
    }
  }

  private static Throwable rootCause(Throwable e) {
    return e.getCause() == null ? e : rootCause(e.getCause());
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    closed = true;
    watches.forEach(Watch::close);
    threads.forEach(Thread::interrupt);
    synchronized (this) {
      clients.values().forEach(FleetconfClient::close);
    }
  }
}
