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
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Proxies every bean that has methods annotated with {@link SwitchmanLock} or {@link
 * SwitchmanLease} (directly, inherited, or as meta-annotations), validating the annotations as the
 * bean is created. The advice is added after existing advisors, so it runs inside {@code @Async}
 * dispatch and inside transactions. The guard is looked up on the first call only, so that this
 * post-processor does not create the ZooKeeper client early. In {@code switchman.mode=aspectj} it
 * only validates the beans' guarded methods and hands the context to {@link SwitchmanAspect}.
 */
final class SwitchmanMethodPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
    implements DisposableBean {

  /** False in {@code switchman.mode=aspectj}: validate only; the woven aspect guards. */
  private final boolean proxy;

  private @Nullable BeanFactory beanFactory;
  private volatile @Nullable SwitchmanGuard guard;

  SwitchmanMethodPostProcessor() {
    this(SwitchmanProperties.Mode.PROXY);
  }

  SwitchmanMethodPostProcessor(SwitchmanProperties.Mode mode) {
    this.proxy = mode == SwitchmanProperties.Mode.PROXY;
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
    if (!proxy) {
      SwitchmanAspectSupport.activate(beanFactory);
    }
  }

  @Override
  public void destroy() {
    BeanFactory bf = beanFactory;
    if (!proxy && bf != null) {
      SwitchmanAspectSupport.deactivate(bf);
    }
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    boolean guarded = isEligible(bean, beanName);
    if (guarded) {
      BeanFactory bf = requireBeanFactory();
      bf.getBean(GuardedMethods.class).validate(beanName, AopUtils.getTargetClass(bean));
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
    // In aspectj mode the woven bean guards itself: it is registered as it is, not proxied.
    Object result = proxy ? super.postProcessAfterInitialization(bean, beanName) : bean;
    if (guarded) {
      registerForRunNow(result, bean, beanName);
    }
    return result;
  }

  /** Registers a singleton's guarded methods for run now (the endpoint's {@code run} action). */
  private void registerForRunNow(Object target, Object bean, String beanName) {
    BeanFactory bf = requireBeanFactory();
    if (bf.containsBean(beanName) && bf.isSingleton(beanName)) {
      bf.getBean(GuardedBeans.class).register(target, AopUtils.getTargetClass(bean));
    }
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
