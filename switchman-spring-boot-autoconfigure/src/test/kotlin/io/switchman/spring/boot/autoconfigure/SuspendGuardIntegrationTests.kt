/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure

import io.switchman.annotation.SwitchmanLock
import io.switchman.core.Grant
import io.switchman.core.SwitchmanEngine
import io.switchman.core.testing.TcpProxy
import io.switchman.core.testing.ZooKeeperServerExtension
import java.time.Duration
import java.util.UUID
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.reactor.ReactorContext
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.springframework.beans.factory.annotation.Value
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.context.annotation.Configuration
import org.springframework.scheduling.annotation.EnableScheduling
import org.springframework.scheduling.annotation.Scheduled
import kotlin.coroutines.coroutineContext

/** Kotlin suspend functions: guarded for the whole coroutine, which is cancelled on loss. */
class SuspendGuardIntegrationTests {

    companion object {
        @JvmField
        @RegisterExtension
        val zk = ZooKeeperServerExtension()
    }

    private val record = RunRecord()
    private val prefix = "/suspend-" + UUID.randomUUID()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val runner =
        ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration::class.java))
            .withBean(RunRecord::class.java, { record })
            .withBean(SwitchmanRunListener::class.java, { record.listener() })
            .withPropertyValues(
                "switchman.prefix=$prefix",
                "switchman.session-timeout=4s",
                "switchman.connection-timeout=1s",
                "switchman.stop-timeout=1s",
            )

    private fun direct(id: String) =
        runner.withPropertyValues("switchman.connect-string=" + zk.connectString(), "test.id=$id")

    @AfterEach
    fun cancelScope() {
        scope.cancel()
    }

    @Test
    fun scheduledSuspendFunctionsShouldRunOnOneContextAtATime() {
        val r = runner.withUserConfiguration(ScheduledSuspendBeat::class.java)
        fun at(id: String) =
            r.withPropertyValues("switchman.connect-string=" + zk.connectString(), "test.id=$id")
        at("a").run { a ->
            at("b").run { b ->
                at("c").run { c ->
                    await().atMost(Duration.ofSeconds(30)).until { record.intervals.size >= 12 }
                    c.close()
                    b.close()
                    a.close()
                    record.assertNoOverlap()
                    assertThat(record.skips("suspend-beat", "busy")).isPositive()
                }
            }
        }
        RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix)
    }

    @Test
    fun partitionedHolderShouldBeCancelledBeforeAnotherContextStarts() {
        TcpProxy(zk.server().port).use { proxy ->
            runner
                .withBean(SuspendJobs::class.java)
                .withPropertyValues(
                    "switchman.connect-string=" + proxy.connectString(),
                    "test.id=a",
                )
                .run { a ->
                    direct("b").withBean(SuspendJobs::class.java).run { b ->
                        val error = AtomicReference<Throwable>()
                        val jobsA = a.getBean(SuspendJobs::class.java)
                        scope.launch {
                            try {
                                jobsA.hold()
                            } catch (e: Throwable) {
                                error.set(e)
                            }
                        }
                        await().until { record.has("start a") }
                        proxy.partition()
                        val jobsB = b.getBean(SuspendJobs::class.java)
                        await()
                            .atMost(Duration.ofSeconds(20))
                            .pollInterval(Duration.ofMillis(100))
                            .until {
                                scope.launch { jobsB.hold() }
                                record.has("start b")
                            }
                        assertThat(record.events)
                            .containsSubsequence("start a", "cancelled a", "start b")
                        assertThat(record.nanos("cancelled a")).isLessThan(record.nanos("start b"))
                        await().until { error.get() != null }
                        assertThat(error.get())
                            .isInstanceOf(SwitchmanStoppedException::class.java)
                            .hasMessageStartingWith(
                                "Cancelled " + SuspendJobs::class.java.name +
                                    ".hold() under lock 'suspend-hold' (fencing token ",
                            )
                            .hasMessageContaining("): its grant was lost (")
                    }
                }
        }
        RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix)
    }

    @Test
    fun skippedCallShouldReturnNullAndBeCounted() {
        direct("a").withBean(SuspendJobs::class.java).run { a ->
            direct("b").withBean(SuspendJobs::class.java).run { b ->
                scope.launch { a.getBean(SuspendJobs::class.java).hold() }
                await().until { record.has("start a") }
                val skipped = runBlocking { b.getBean(SuspendJobs::class.java).hold() }
                assertThat(skipped).isNull()
                assertThat(record.has("start b")).isFalse()
                assertThat(record.skips("suspend-hold", "busy")).isEqualTo(1)
            }
        }
        RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix)
    }

    @Test
    fun grantShouldBeHeldForTheCoroutineAndInItsReactorContext() {
        direct("a").withBean(SuspendJobs::class.java).run { context ->
            val jobs = context.getBean(SuspendJobs::class.java)
            val engine = context.getBean(SwitchmanEngine::class.java)
            val seen = runBlocking { jobs.report { assertThat(engine.grants()).hasSize(1) } }
            assertThat(seen).matches("suspend-report:[1-9][0-9]*")
            assertThat(engine.grants()).isEmpty()
        }
    }

    @Test
    fun maxDurationShouldCancelTheCoroutine() {
        direct("a").withBean(SuspendJobs::class.java).run { context ->
            val jobs = context.getBean(SuspendJobs::class.java)
            val error = runCatching { runBlocking { jobs.slow() } }.exceptionOrNull()
            assertThat(error)
                .isInstanceOf(SwitchmanStoppedException::class.java)
                .hasMessageEndingWith("it ran longer than its maxDuration of 300ms")
            assertThat(record.has("cancelled slow")).isTrue()
        }
    }
}

/** Suspend functions guarded by switchman; one instance per context. */
open class SuspendJobs(private val record: RunRecord, @param:Value("\${test.id:a}") private val id: String) {

    /** Holds its lock until cancelled. */
    @SwitchmanLock(name = "suspend-hold")
    open suspend fun hold(): String? {
        record.event("start $id")
        try {
            awaitCancellation()
        } catch (e: CancellationException) {
            record.event("cancelled $id")
            throw e
        }
    }

    @SwitchmanLock(name = "suspend-slow", maxDuration = "300ms")
    open suspend fun slow(): String? {
        try {
            delay(20_000)
            return "slept"
        } catch (e: CancellationException) {
            record.event("cancelled slow")
            throw e
        }
    }

    /** The grant from the coroutine's Reactor context, on another thread after a delay. */
    @SwitchmanLock(name = "suspend-report")
    open suspend fun report(check: () -> Unit): String? {
        delay(20)
        check()
        val grant =
            coroutineContext[ReactorContext]?.context?.get<Grant>(SwitchmanReactiveContext.GRANT_KEY)
                ?: return "no grant in the coroutine context"
        return grant.name() + ":" + grant.fencingToken()
    }
}

/** A scheduled suspend function that works for 150 ms, timestamped by itself. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
open class ScheduledSuspendBeat(private val record: RunRecord, @param:Value("\${test.id}") private val id: String) {

    @Scheduled(fixedDelay = 10)
    @SwitchmanLock(name = "suspend-beat")
    open suspend fun beat() {
        val start = System.nanoTime()
        delay(150)
        record.interval(id, start)
    }
}
