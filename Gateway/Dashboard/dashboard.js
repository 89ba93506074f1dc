// The UAH CORE dashboard: draws the snapshots GET /api/v2/dashboard/events sends, one a second. Every value is set
// as text, never as markup: node labels, owners and contracts come from callers and nodes.
(function () {
  "use strict";
  var storageKey = "meshrpc-dashboard-key";
  var status = document.getElementById("status");
  var login = document.getElementById("login");

  // A key in the address's fragment (never sent to the server) is kept for this tab and taken out of the address.
  var fromAddress = /[#&]key=([^&]+)/.exec(location.hash);
  if (fromAddress) {
    sessionStorage.setItem(storageKey, decodeURIComponent(fromAddress[1]));
    history.replaceState(null, "", location.pathname);
  }

  login.addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem(storageKey, document.getElementById("key").value);
    login.hidden = true;
    connect();
  });

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = "status " + (kind || "");
  }

  function connect() {
    var key = sessionStorage.getItem(storageKey);
    if (!key) {
      login.hidden = false;
      setStatus("an operator key is needed", "down");
      return;
    }

    // EventSource cannot send a credential; a streamed fetch can.
    fetch("/api/v2/dashboard/events", { headers: { Authorization: "Bearer " + key } }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(storageKey);
        login.hidden = false;
        setStatus("the key was refused (HTTP " + response.status + "): give an operator's key", "down");
        return;
      }

      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }

      setStatus("live", "live");
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var pending = "";
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            throw new Error("the stream ended");
          }

          pending += decoder.decode(chunk.value, { stream: true });
          var events = pending.split("\n\n");
          pending = events.pop();
          events.forEach(onEvent);
          return read();
        });
      }

      return read();
    }).catch(function (error) {
      setStatus("disconnected (" + error.message + "); reconnecting", "down");
      setTimeout(connect, 2000);
    });
  }

  function onEvent(block) {
    var data = block.split("\n").filter(function (line) { return line.indexOf("data:") === 0; })
      .map(function (line) { return line.slice(5).replace(/^ /, ""); }).join("\n");
    if (data) {
      draw(JSON.parse(data));
    }
  }

  function draw(snapshot) {
    var nodes = snapshot.nodes || [];
    fill("nodes", nodes.map(function (n) {
      var warm = (n.warmHosts || []).reduce(function (sum, w) { return sum + w.idle; }, 0);
      return [n.nodeId, n.status, n.sandbox, n.workers.length + "/" + n.slots, String(warm), String(n.cores), n.labels.join(", ") || "-", age(n.lastHeartbeat) + " ago"];
    }), "no node has joined");
    var workers = [];
    nodes.forEach(function (n) {
      n.workers.forEach(function (w) {
        workers.push([w.workerId, w.owner || "-", w.contract, n.nodeId, String(w.processId), age(w.startedAt)]);
      });
    });
    fill("workers", workers, "no live worker");
    var pools = [];
    nodes.forEach(function (n) {
      (n.warmHosts || []).forEach(function (w) { pools.push([n.nodeId, w.gemDigest || "any gem or source", String(w.idle)]); });
    });
    fill("pools", pools, "no idle warm host");
    fill("summons", (snapshot.summons || []).map(function (s) {
      return [s.workerId, s.owner, s.contract, s.nodeId, new Date(s.at).toLocaleTimeString(), ms(s.placementMs), ms(s.forgeMs)];
    }), "no summon yet");
  }

  function fill(id, rows, whenEmpty) {
    var body = document.getElementById(id).tBodies[0];
    var columns = document.getElementById(id).tHead.rows[0].cells.length;
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }

    if (rows.length === 0) {
      var empty = body.insertRow().insertCell();
      empty.colSpan = columns;
      empty.className = "empty";
      empty.textContent = whenEmpty;
      return;
    }

    rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (value) { tr.insertCell().textContent = value; });
    });
  }

  function age(since) {
    var seconds = Math.max(0, Math.round((Date.now() - new Date(since).getTime()) / 1000));
    return seconds < 90 ? seconds + "s" : seconds < 5400 ? Math.round(seconds / 60) + "m" : Math.round(seconds / 3600) + "h";
  }

  function ms(value) {
    return value.toFixed(1) + " ms";
  }

  connect();
})();
