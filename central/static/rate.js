// The rating tablet: asks the citizen the counter just served (in the ticket's
// language) and sends one rating; follows /rate/{counter}/stream.
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("rate-config").textContent);
  var token = encodeURIComponent(config.token);
  var idle = document.getElementById("idle"), ask = document.getElementById("ask");
  var thanks = document.getElementById("thanks"), conn = document.getElementById("conn");
  var current = null, thanksUntil = 0;

  var heading = document.getElementById("rate-heading"), pageTitle = heading.textContent;
  function texts(lang) { return config.texts[lang] || config.texts.vi; }
  function show(section) {
    [idle, ask, thanks].forEach(function (s) { s.hidden = s !== section; });
  }
  function update(pending) {
    current = pending;
    if (Date.now() < thanksUntil && !pending) return;
    if (!pending) { heading.textContent = pageTitle; heading.lang = ""; show(idle); return; }
    var words = texts(pending.language);
    heading.textContent = words.title;  // the citizen's language, not the tablet's
    heading.lang = pending.language;
    document.getElementById("ask-question").textContent = words.question
      .replace("{counter}", pending.counter_name).replace("{number}", pending.number);
    document.querySelectorAll(".face").forEach(function (button, index) {
      button.querySelector(".face-label").textContent = words.labels[index];
      button.disabled = false;
    });
    ask.lang = pending.language;
    show(ask);
    ask.querySelector(".face-5").focus();
  }
  document.querySelectorAll(".face").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!current) return;
      var sent = current, words = texts(sent.language);
      document.querySelectorAll(".face").forEach(function (b) { b.disabled = true; });
      fetch("/rate/" + encodeURIComponent(config.counter) + "?token=" + token, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ticket_id: sent.ticket_id, score: Number(button.dataset.score) })
      }).then(function (response) {
        thanks.querySelector("p").textContent = response.ok ? words.thanks : words.error;
        thanks.lang = sent.language;
        show(thanks);
        thanksUntil = Date.now() + 5000;
        document.body.dataset.rated = response.ok ? sent.number : "";
        setTimeout(function () { if (Date.now() >= thanksUntil) update(current && current.ticket_id !== sent.ticket_id ? current : null); }, 5100);
      });
    });
  });
  var source = new EventSource("/rate/" + encodeURIComponent(config.counter) + "/stream?token=" + token);
  source.addEventListener("ask", function (event) {
    conn.classList.remove("stale"); conn.textContent = "";
    update(JSON.parse(event.data));
  });
  source.onerror = function () { conn.classList.add("stale"); conn.textContent = conn.dataset.stale; };
})();
