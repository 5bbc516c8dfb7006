package io.fleetconf.compat.tvsched;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.stereotype.Component;

/**
 * A small Spring Boot service of the kind that reads its settings from Consul: the TV scheduler.
 * Its settings come from Spring Cloud Consul Config (the test sets {@code spring.config.import}).
 */
@SpringBootApplication
@EnableConfigurationProperties(TvSchedApplication.SchedulerProperties.class)
public class TvSchedApplication {

  /** Bound, and re-bound on a refresh, from {@code scheduler.*}. */
  @ConfigurationProperties("scheduler")
  public static class SchedulerProperties {
    private String interval;
    private int channels;

    public String getInterval() {
      return interval;
    }

    public void setInterval(String interval) {
      this.interval = interval;
    }

    public int getChannels() {
      return channels;
    }

    public void setChannels(int channels) {
      this.channels = channels;
    }
  }

  /** Re-created on a refresh, so that it sees the new {@code @Value}. */
  @Component
  @RefreshScope
  public static class Ticker {
    @Value("${scheduler.interval}")
    private String interval;

    public String interval() {
      return interval;
    }
  }
}
