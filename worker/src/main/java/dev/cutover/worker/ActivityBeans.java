package dev.cutover.worker;

import dev.cutover.backfill.BackfillActivitiesImpl;
import dev.cutover.baseline.BaselineActivitiesImpl;
import dev.cutover.decommission.DecommissionActivitiesImpl;
import dev.cutover.dualwrite.DualWriteActivitiesImpl;
import dev.cutover.flags.FlagActivitiesImpl;
import dev.cutover.reconcile.ReconcileActivitiesImpl;
import dev.cutover.sql.Connections;
import dev.cutover.writecutover.WriteCutoverActivitiesImpl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The activity implementations as beans, so the Temporal starter's auto-discovery
 * ({@code register-activity-beans}) finds their {@code @ActivityImpl} and registers them on the task queue.
 * Each method returns the concrete class: the starter reads the annotation from the bean's type.
 */
@Configuration(proxyBeanMethods = false)
class ActivityBeans {

  @Bean
  FlagActivitiesImpl flagActivities(Connections connections) {
    return new FlagActivitiesImpl(connections);
  }

  @Bean
  BaselineActivitiesImpl baselineActivities(Connections connections) {
    return new BaselineActivitiesImpl(connections);
  }

  @Bean
  DualWriteActivitiesImpl dualWriteActivities(Connections connections) {
    return new DualWriteActivitiesImpl(connections);
  }

  @Bean
  BackfillActivitiesImpl backfillActivities(Connections connections) {
    return new BackfillActivitiesImpl(connections);
  }

  @Bean
  ReconcileActivitiesImpl reconcileActivities(Connections connections) {
    return new ReconcileActivitiesImpl(connections);
  }

  @Bean
  WriteCutoverActivitiesImpl writeCutoverActivities(Connections connections) {
    return new WriteCutoverActivitiesImpl(connections);
  }

  @Bean
  DecommissionActivitiesImpl decommissionActivities(Connections connections) {
    return new DecommissionActivitiesImpl(connections);
  }
}
