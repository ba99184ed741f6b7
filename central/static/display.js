// The hall display: follows /display/stream (server-sent events), shows the calls and
// announces each call and recall: a chime, then the sentence spoken by central.
// A lost connection is shown at once (the page dims, a banner says so) and retried.
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("display-config").textContent);
  var token = encodeURIComponent(config.token);
  var conn = document.getElementById("conn");
  var soundButton = document.getElementById("sound");
  var lastAnnounced = null;
  var queue = [], playing = false;
  window.announced = [];  // what this page announced, in order (read by the browser tests)

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function setLive(live) {
    document.body.classList.toggle("stale", !live);
    conn.classList.toggle("stale", !live);
    conn.textContent = live ? conn.dataset.live : conn.dataset.stale;
  }
  function play(url) {
    return new Promise(function (resolve) {
      var audio = new Audio(url);
      audio.onended = resolve;
      audio.onerror = resolve;
      var started = audio.play();
      if (started && started.catch) {
        started.catch(function () { soundButton.hidden = false; resolve(); });
      }
    });
  }
  function next() {
    if (playing || !queue.length) return;
    playing = true;
    var item = queue.shift();
    window.announced.push(item.number + "@" + item.counter + (item.kind === "recall" ? ":recall" : ""));
    var speech = "/display/speech.wav?token=" + token + "&number=" + encodeURIComponent(item.number) +
      "&counter=" + encodeURIComponent(item.counter) + "&language=" + encodeURIComponent(item.language || "vi");
    play("/display/chime.wav").then(function () { return play(speech); }).then(function () {
      playing = false; next();
    });
  }
  soundButton.addEventListener("click", function () { soundButton.hidden = true; play("/display/chime.wav"); });

  function render(state) {
    var body = document.querySelector("#current tbody");
    var rows = state.current.map(function (call, index) {
      var tr = el("tr", undefined, index === 0 ? "fresh" : "");
      tr.appendChild(el("td", call.number));
      tr.appendChild(el("td", call.counter_name));
      return tr;
    });
    body.replaceChildren.apply(body, rows);
    document.getElementById("current-empty").hidden = rows.length > 0;
    var recent = document.getElementById("recent");
    recent.replaceChildren.apply(recent, state.recent.map(function (call) {
      var li = el("li", call.number + " → " + call.counter_name);
      if (call.kind === "recall") li.appendChild(el("span", config.recall, "tag"));
      return li;
    }));
    var waiting = document.getElementById("waiting");
    waiting.replaceChildren.apply(waiting, state.waiting.map(function (field) {
      var li = el("li");
      li.appendChild(el("span", (field.names[config.lang] || field.names.vi) + ": "));
      li.appendChild(el("b", String(field.count)));
      li.appendChild(el("span", " " + config.waiting_unit));
      if (field.priority) li.appendChild(el("span", " (" + config.priority + ": " + field.priority + ")"));
      li.dataset.service = field.service;
      return li;
    }));
  }

  var source = null, watchdog = null;
  function alive() {
    clearTimeout(watchdog);
    watchdog = setTimeout(function () { setLive(false); connect(); }, 25000);
  }
  function connect() {
    if (source) source.close();
    var after = lastAnnounced === null ? "" : "&after=" + lastAnnounced;
    source = new EventSource("/display/stream?token=" + token + after);
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      setLive(true); alive();
      render(state);
      if (lastAnnounced === null) {
        lastAnnounced = state.last_id;  // a freshly opened page does not replay old calls
      } else {
        state.announce.forEach(function (item) {
          if (item.id > lastAnnounced) { queue.push(item); lastAnnounced = item.id; }
        });
        lastAnnounced = Math.max(lastAnnounced, state.last_id);
        next();
      }
      document.body.dataset.lastId = String(state.last_id);
    });
    source.addEventListener("ping", function () { setLive(true); alive(); });
    source.onerror = function () {
      setLive(false);
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  }
  var clockFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: config.timezone });
  function tick() {
    // the centre's time, whatever the zone the display machine was set up in
    document.getElementById("clock").textContent = clockFormat.format(new Date());
  }
  tick(); setInterval(tick, 10000);
  connect();
})();
