/**
 * The coordination core: locks, leases, groups and fencing tokens on ZooKeeper, served by {@link
 * io.switchman.core.SwitchmanEngine}.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Locks</b> are ephemeral nodes {@code P/locks/<name>}: at most one holder per name across
 *       the ensemble. A request either skips at once when the lock is held, or waits in arrival
 *       order (woken by watches, no polling).
 *   <li><b>Leases</b> are switchman's weighted semaphores, served strictly first in, first out per
 *       resource. All queues of one request are joined in a single {@code multi()} transaction, so
 *       every queue orders contenders alike and requests for several resources cannot deadlock.
 *       Only the head of a queue watches the leases.
 *   <li><b>Loss before takeover.</b> Each grant keeps a safety deadline {@code leaderContact + S -
 *       stopBudget - tick} (S: negotiated session timeout; leaderContact a proven lower bound of
 *       the leader's last contact with the session), refreshed by a sync and a read of its own node
 *       every S/6 (the stop budget must fit S/4 on an ensemble of several servers, S/2 on a single
 *       server); the safety monitor on the monotonic clock declares the grant lost when it passes.
 *       A suspended connection, an expired session, a deleted or changed own node, and this host
 *       leaving the grant's group declare it lost at once. The holder has {@code stopBudget} left
 *       to stop before the server may expire the session and hand the lock to someone else.
 *   <li><b>Owner-checked release.</b> Nodes are deleted only through the session that created them,
 *       and the lock node only while it is provably this grant's.
 *   <li><b>Fail closed.</b> When ZooKeeper cannot be reached or the prefix znode's data is invalid,
 *       {@link io.switchman.core.SwitchmanEngine#acquire} throws; it never grants without the
 *       nodes.
 * </ul>
 *
 * <p>Public here is what users and the adapters call: the engine, requests ({@link
 * io.switchman.core.GrantRequest}, {@link io.switchman.core.RequestPlan}), grants and their loss
 * and stop reasons, the cluster data and status, the {@link io.switchman.core.StopBudget} rule and
 * the {@link io.switchman.core.CuratorClients} policy. Everything else is package-private.
 */
@NullMarked
package io.switchman.core;

import org.jspecify.annotations.NullMarked;
