/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLeases;
import io.switchman.annotation.SwitchmanLock;
import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Proxies every bean that has methods annotated with {@link SwitchmanLock} or {@link
 * SwitchmanLease} (directly, inherited, or as meta-annotations), validating the annotations as the
 * bean is created. The advice is added after existing advisors, so it runs inside {@code @Async}
 * dispatch and inside transactions. The guard is looked up on the first call only, so that this
 * post-processor does not create the ZooKeeper client early.
 */
final class SwitchmanMethodPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

  private @Nullable BeanFactory beanFactory;
  private volatile @Nullable SwitchmanGuard guard;

  SwitchmanMethodPostProcessor() {
    Pointcut pointcut =
        new ComposablePointcut(new AnnotationMatchingPointcut(null, SwitchmanLock.class, true))
            .union(new AnnotationMatchingPointcut(null, SwitchmanLease.class, true))
            .union(new AnnotationMatchingPointcut(null, SwitchmanLeases.class, true));
    MethodInterceptor interceptor = invocation -> guard().invoke(invocation);
    this.advisor = new DefaultPointcutAdvisor(pointcut, interceptor);
    setProxyTargetClass(true);
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    super.setBeanFactory(beanFactory);
    this.beanFactory = beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (isEligible(bean, beanName)) {
      BeanFactory bf = requireBeanFactory();
      bf.getBean(GuardedMethods.class).validate(AopUtils.getTargetClass(bean));
      // Only whether the guard is defined: creating it here would create the engine and the
      // ZooKeeper client in the middle of creating the first guarded bean.
      if (!isGuardDefined(bf)) {
        throw new SwitchmanConfigurationException(
            "Bean '"
                + beanName
                + "' has methods guarded by @SwitchmanLock or @SwitchmanLease, but there is no"
                + " SwitchmanEngine: define exactly one CuratorFramework bean (or mark one"
                + " @Primary), or none to let switchman create it",
            "Mark one CuratorFramework bean @Primary, or remove the extra ones.");
      }
    }
    return super.postProcessAfterInitialization(bean, beanName);
  }

  private static boolean isGuardDefined(BeanFactory bf) {
    if (bf instanceof ListableBeanFactory lbf) {
      return lbf.getBeanNamesForType(SwitchmanGuard.class, true, true).length > 0;
    }
    return bf.getBeanProvider(SwitchmanGuard.class).getIfAvailable() != null;
  }

  private SwitchmanGuard guard() {
    SwitchmanGuard g = guard;
    if (g == null) {
      g = requireBeanFactory().getBean(SwitchmanGuard.class);
      guard = g;
    }
    return g;
  }

  private BeanFactory requireBeanFactory() {
    BeanFactory bf = beanFactory;
    if (bf == null) {
      throw new IllegalStateException("No BeanFactory set");
    }
    return bf;
  }
}
