/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

/**
 * The AspectJ aspect of {@code switchman.mode=aspectj}: guards every execution of a method
 * annotated with {@code @SwitchmanLock}, {@code @SwitchmanLease} or {@code @SwitchmanLeases} in the
 * woven classes, including self-invoked, final, private and static methods and methods of objects
 * that are not Spring beans, through the same guard as the proxy mode. Weave it at load time
 * ({@code -javaagent:aspectjweaver.jar} and a {@code META-INF/aop.xml} naming this aspect); a call
 * made while no application context with {@code switchman.mode=aspectj} runs is refused with an
 * {@link IllegalStateException}, never run unguarded. The annotation must be declared on the method
 * itself (AspectJ does not match annotations inherited from interfaces or overridden methods, nor
 * meta-annotations).
 */
@Aspect
public final class SwitchmanAspect {

  /** Guards one execution of an annotated method. */
  @Around(
      "execution(@io.switchman.annotation.SwitchmanLock * *(..))"
          + " || execution(@io.switchman.annotation.SwitchmanLease * *(..))"
          + " || execution(@io.switchman.annotation.SwitchmanLeases * *(..))")
  public @Nullable Object guard(ProceedingJoinPoint joinPoint) throws Throwable {
    return SwitchmanAspectSupport.invoke(new JoinPointInvocation(joinPoint));
  }

  /** A join point seen as the method invocation the guard expects. */
  private static final class JoinPointInvocation implements MethodInvocation {

    private final ProceedingJoinPoint joinPoint;
    private final Method method;

    JoinPointInvocation(ProceedingJoinPoint joinPoint) {
      this.joinPoint = joinPoint;
      this.method = ((MethodSignature) joinPoint.getSignature()).getMethod();
    }

    @Override
    public Method getMethod() {
      return method;
    }

    @Override
    public @Nullable Object[] getArguments() {
      return joinPoint.getArgs();
    }

    @Override
    public @Nullable Object proceed() throws Throwable {
      return joinPoint.proceed();
    }

    @Override
    public @Nullable Object getThis() {
      return joinPoint.getThis();
    }

    @Override
    public AccessibleObject getStaticPart() {
      return method;
    }
  }
}
