/* switchman console: renders the server-sent status events; plain JavaScript, no dependencies. */
(function () {
  'use strict';
  var body = document.body;
  var base = body.getAttribute('data-base');
  var write = body.getAttribute('data-write');
  var csrfHeader = document.querySelector('meta[name="switchman-csrf-header"]').content;
  var csrfToken = document.querySelector('meta[name="switchman-csrf-token"]').content;
  var $ = function (id) { return document.getElementById(id); };
  var streamOpen = false;
  var lastView = null;

  if (write) {
    body.classList.add('writable');
  } else {
    $('readonly').hidden = false;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function cell(row, label, text, cls) {
    var td = el('td', text, cls);
    td.setAttribute('data-label', label);
    row.appendChild(td);
    return td;
  }

  function time(iso) {
    var d = new Date(iso);
    var t = el('time', d.toLocaleString());
    t.dateTime = iso;
    t.title = iso;
    return t;
  }

  function timeCell(row, label, iso) {
    var td = cell(row, label, null);
    td.appendChild(time(iso));
    return td;
  }

  function button(label, action, name, cls) {
    var b = el('button', label, cls);
    b.type = 'button';
    b.setAttribute('data-action', action);
    b.setAttribute('data-name', name);
    b.setAttribute('aria-label', label + ' ' + name);
    return b;
  }

  function fill(tableId, emptyId, items, render) {
    var tbody = $(tableId).querySelector('tbody');
    tbody.textContent = '';
    items.forEach(function (item) { tbody.appendChild(render(item)); });
    $(tableId).hidden = items.length === 0;
    $(emptyId).hidden = items.length !== 0;
  }

  /** Re-renders, keeping the keyboard focus on the same button (or field) across the update. */
  function render(v) {
    var f = document.activeElement;
    var focus = f && f.getAttribute && f.getAttribute('data-action') ?
      [f.getAttribute('data-action'), f.getAttribute('data-name')] : null;
    draw(v);
    if (focus) {
      var again = document.querySelector('button[data-action="' + focus[0] + '"][data-name="' +
        (window.CSS && CSS.escape ? CSS.escape(focus[1]) : focus[1]) + '"]');
      if (again) { again.focus(); }
    }
  }

  function draw(v) {
    lastView = v;
    $('host').textContent = v.host + ' \u00b7 ' + v.prefix;
    var conn = $('connection');
    conn.textContent = (streamOpen ? 'Live' : 'Reconnecting') + ' \u00b7 ZooKeeper ' +
      v.connectionState + (v.sessionId ? ' (session ' + v.sessionId + ')' : '');
    conn.className = v.connected && streamOpen ? 'ok' : 'bad';
    $('error').hidden = !v.error;
    $('error').textContent = v.error || '';

    fill('locks', 'no-locks', v.locks, function (l) {
      var tr = el('tr');
      tr.setAttribute('data-lock', l.name);
      tr.setAttribute('data-paused', l.paused ? 'true' : 'false');
      cell(tr, 'Lock', l.name, 'mono');
      cell(tr, 'Holder', l.host);
      cell(tr, 'PID', l.pid || '');
      timeCell(tr, 'Since', l.since);
      cell(tr, 'Fencing token', l.fencingToken, 'mono');
      if (l.paused) {
        cell(tr, 'State', 'Paused' + (l.pausedBy ? ' by ' + l.pausedBy : '') +
          (l.reason ? ': ' + l.reason : ''), 'paused');
      } else {
        cell(tr, 'State', 'Held');
      }
      var actions = cell(tr, 'Actions', null, 'actions write-only');
      if (l.paused) {
        actions.appendChild(button('Resume', 'resume', l.name));
      } else {
        actions.appendChild(button('Abort', 'abort', l.name, 'danger'));
      }
      return tr;
    });

    var res = $('resources');
    res.textContent = '';
    v.resources.forEach(function (r) {
      var div = el('div', null, 'resource');
      div.setAttribute('data-resource', r.name);
      var head = el('div', null, 'head');
      head.appendChild(el('strong', r.name, 'mono'));
      var cap = r.capacity > 0 ? String(r.capacity) : (r.capacityExpression || '?');
      head.appendChild(el('span', r.used + ' of ' + cap + ' used'));
      div.appendChild(head);
      var bar = el('div', null, 'bar' + (r.capacity > 0 && r.used >= r.capacity ? ' full' : ''));
      bar.setAttribute('role', 'img');
      bar.setAttribute('aria-label', r.name + ': ' + r.used + ' of ' + cap + ' used');
      var fillEl = el('span');
      fillEl.style.width = (r.capacity > 0 ? Math.min(100, 100 * r.used / r.capacity) : 0) + '%';
      bar.appendChild(fillEl);
      div.appendChild(bar);
      if (r.holders.length) {
        var ul = el('ul');
        r.holders.forEach(function (h) {
          var li = el('li', h.amount + ' \u00d7 ' + h.host + (h.pid ? ' (pid ' + h.pid + ')' : '') +
            ', fencing token ' + h.fencingToken + ', since ');
          li.appendChild(time(h.since));
          ul.appendChild(li);
        });
        div.appendChild(ul);
      }
      res.appendChild(div);
    });
    $('no-resources').hidden = v.resources.length !== 0;

    var q = $('queues');
    q.textContent = '';
    var count = 0;
    function queue(title, entries) {
      count++;
      q.appendChild(el('h3', title));
      var ol = el('ol', null, 'queue');
      entries.forEach(function (e) {
        var li = el('li', e.name + ' \u2014 ' + e.host + (e.pid ? ' (pid ' + e.pid + ')' : '') +
          ', since ');
        li.appendChild(time(e.since));
        ol.appendChild(li);
      });
      q.appendChild(ol);
    }
    Object.keys(v.queues).forEach(function (k) { queue('Resource ' + k, v.queues[k]); });
    Object.keys(v.waiters).forEach(function (k) { queue('Lock ' + k, v.waiters[k]); });
    $('no-queues').hidden = count !== 0;

    var g = $('groups');
    g.textContent = '';
    var groups = Object.keys(v.groups);
    groups.forEach(function (k) {
      g.appendChild(el('dt', k));
      g.appendChild(el('dd', v.groups[k].join(', ')));
    });
    $('no-groups').hidden = groups.length !== 0;

    fill('grants', 'no-grants', v.grants, function (gr) {
      var tr = el('tr');
      tr.setAttribute('data-grant', gr.name);
      cell(tr, 'Name', gr.name, 'mono');
      cell(tr, 'Lock', gr.lock ? 'yes' : 'no');
      cell(tr, 'Leases', gr.leases.join(', '));
      cell(tr, 'Fencing token', gr.fencingToken, 'mono');
      timeCell(tr, 'Since', gr.since);
      cell(tr, 'State', gr.held ? 'Held' : 'Lost (' + gr.lossReason + ')', gr.held ? '' : 'lost');
      return tr;
    });

    fill('jobs', 'no-jobs', v.jobs, function (j) {
      var tr = el('tr');
      tr.setAttribute('data-job', j.name);
      cell(tr, 'Lock', j.name, 'mono');
      cell(tr, 'Method', j.method, 'mono');
      var actions = cell(tr, 'Actions', null, 'actions write-only');
      actions.appendChild(button('Run now', 'run', j.name));
      var lock = v.locks.filter(function (l) { return l.name === j.name; })[0];
      if (lock && lock.paused) {
        actions.appendChild(button('Resume', 'resume', j.name));
      } else {
        actions.appendChild(button('Pause', 'pause', j.name));
      }
      return tr;
    });
  }

  var texts = {
    pause: ['Pause', 'No host will run the lock\u2019s jobs until it is resumed. A running holder ' +
      'is not stopped: the pause is refused while the lock is held.'],
    resume: ['Resume', 'Hosts may take the lock again.'],
    abort: ['Abort', 'The running holder loses the lock and is stopped; the next scheduled run ' +
      'may take it.'],
    run: ['Run now', 'Runs the guarded method on this instance now, under its lock.']
  };

  var dialog = $('confirm');
  var pending = null;
  var opener = null;

  function confirmAction(action, name, from) {
    pending = { action: action, name: name };
    opener = from || null;
    $('confirm-title').textContent = texts[action][0] + ' \u2018' + name + '\u2019?';
    $('confirm-text').textContent = texts[action][1];
    $('confirm-reason-row').hidden = action !== 'pause' && action !== 'abort';
    $('confirm-reason').value = '';
    $('confirm-ok').textContent = texts[action][0];
    dialog.showModal();
    if (action === 'pause' || action === 'abort') { $('confirm-reason').focus(); } else {
      $('confirm-ok').focus();
    }
  }

  dialog.addEventListener('close', function () {
    var p = pending;
    pending = null;
    if (opener && document.body.contains(opener)) { opener.focus(); }
    if (p && dialog.returnValue === 'ok') {
      send(p.action, p.name, $('confirm-reason').value);
    }
  });

  function show(message, bad) {
    var r = $('result');
    r.textContent = message;
    r.className = bad ? 'bad' : '';
  }

  function send(action, name, reason) {
    var headers = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    if (csrfHeader && csrfToken) { headers[csrfHeader] = csrfToken; }
    var payload = { action: action };
    if (reason && reason.trim()) { payload.reason = reason.trim(); }
    show(texts[action][0] + ' \u2018' + name + '\u2019\u2026', false);
    fetch(write + '/' + encodeURIComponent(name), {
      method: 'POST', headers: headers, body: JSON.stringify(payload), credentials: 'same-origin'
    }).then(function (response) {
      return response.text().then(function (text) {
        var message;
        try { message = JSON.parse(text).message; } catch (e) { message = null; }
        if (!message) { message = 'HTTP ' + response.status + (text ? ': ' + text : ''); }
        var bad = !response.ok;
        if (response.ok) {
          try { bad = JSON.parse(text).done === false; } catch (e) { bad = false; }
        }
        show(message, bad);
      });
    }).catch(function (e) { show(texts[action][0] + ' failed: ' + e, true); });
  }

  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('button[data-action]') : null;
    if (b) { confirmAction(b.getAttribute('data-action'), b.getAttribute('data-name'), b); }
  });

  $('pause-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var name = $('pause-name').value.trim();
    if (name) { confirmAction('pause', name, $('pause-name')); }
  });

  function connect() {
    var source = new EventSource(base + '/events');
    source.addEventListener('open', function () {
      streamOpen = true;
      if (lastView) { render(lastView); }
    });
    source.addEventListener('status', function (e) {
      streamOpen = true;
      render(JSON.parse(e.data));
    });
    source.addEventListener('error', function () {
      streamOpen = false;
      var conn = $('connection');
      conn.textContent = 'Reconnecting to ' + location.host + '\u2026';
      conn.className = 'bad';
    });
  }
  connect();
}());
