// retrowalk: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Minutes east of UTC, so times typed in the browser keep their zone (a new session only: a
  // corrected one keeps its own zone, and its field carries no data-utc-offset).
  document.querySelectorAll("[data-utc-offset]").forEach(function (input) {
    input.value = String(-new Date().getTimezoneOffset());
  });

  // Pain sliders: show the value with its zone label next to the slider. A pain not reported
  // yet (correcting an imported session) has a ticked box beside it: moving the slider reports
  // the pain (unticks it); ticking it again puts the slider back to 0, unreported.
  var zones = [[0, 2, "safe"], [3, 5, "acceptable"], [6, 7, "too much"], [8, 10, "urgent"]];
  function zoneLabel(v) {
    for (var i = 0; i < zones.length; i++) {
      if (v >= zones[i][0] && v <= zones[i][1]) { return zones[i][2]; }
    }
    return "";
  }
  document.querySelectorAll("input[type=range][data-pain-output]").forEach(function (slider) {
    var out = document.getElementById(slider.getAttribute("data-pain-output"));
    var box = document.querySelector("[data-pain-unreported='" + slider.id + "']");
    function update() {
      var text = box && box.checked
        ? "not reported yet"
        : slider.value + "/10 (" + zoneLabel(Number(slider.value)) + ")";
      if (out) { out.textContent = text; }
      slider.setAttribute("aria-valuetext", text);
    }
    slider.addEventListener("input", function () {
      if (box) { box.checked = false; }
      update();
    });
    if (box) {
      box.addEventListener("change", function () {
        if (box.checked) { slider.value = "0"; }
        update();
      });
    }
    update();
  });

  // Step-by-step screening: one question group at a time, with a progress bar.
  document.querySelectorAll("[data-stepper]").forEach(function (form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
    if (steps.length < 2) { return; }
    var back = form.querySelector("[data-step-back]");
    var next = form.querySelector("[data-step-next]");
    var submit = form.querySelector("[data-step-submit]");
    var bar = form.querySelector("[data-step-progress]");
    var status = bar.querySelector("[aria-live]");
    var progress = bar.querySelector("progress");
    var current = 0;
    var invalid = form.querySelector("[aria-invalid=true]");
    if (invalid) {
      steps.forEach(function (s, i) { if (s.contains(invalid)) { current = i; } });
    }
    bar.hidden = false;
    function show(index, focus) {
      current = index;
      steps.forEach(function (s, i) { s.hidden = i !== index; });
      back.hidden = index === 0;
      next.hidden = index === steps.length - 1;
      submit.hidden = index !== steps.length - 1;
      status.textContent = "Step " + (index + 1) + " of " + steps.length;
      progress.value = index + 1;
      progress.max = steps.length;
      if (focus) {
        var legend = steps[index].querySelector("legend");
        legend.setAttribute("tabindex", "-1");
        legend.focus();
      }
    }
    function stepValid() {
      var fields = steps[current].querySelectorAll("input, select, textarea");
      for (var i = 0; i < fields.length; i++) {
        if (!fields[i].checkValidity()) { fields[i].reportValidity(); return false; }
      }
      return true;
    }
    next.addEventListener("click", function () { if (stepValid()) { show(current + 1, true); } });
    back.addEventListener("click", function () { show(current - 1, true); });
    show(current, Boolean(invalid));
  });

  // Session timer: counts down the target; keeps the screen awake where the phone allows.
  document.querySelectorAll("[data-timer]").forEach(function (box) {
    var total = Number(box.getAttribute("data-seconds")) || 0;
    var display = box.querySelector("[data-timer-display]");
    var status = box.querySelector("[data-timer-status]");
    var start = box.querySelector("[data-timer-start]");
    var pause = box.querySelector("[data-timer-pause]");
    var reset = box.querySelector("[data-timer-reset]");
    var remaining = total, endAt = null, tick = null, lock = null, lastMinute = null;
    box.hidden = false;
    function fmt(s) {
      s = Math.max(0, Math.ceil(s));
      var m = Math.floor(s / 60), r = s % 60;
      return m + ":" + (r < 10 ? "0" : "") + r;
    }
    function render() {
      display.textContent = fmt(remaining);
      var minute = Math.ceil(remaining / 60);
      if (endAt !== null && minute !== lastMinute) {
        lastMinute = minute;
        status.textContent = minute + (minute === 1 ? " minute" : " minutes") + " left";
      }
    }
    function stop() {
      if (tick) { clearInterval(tick); tick = null; }
      endAt = null;
      if (lock) { lock.release().catch(function () {}); lock = null; }
      start.hidden = false; pause.hidden = true;
    }
    function step() {
      remaining = (endAt - Date.now()) / 1000;
      if (remaining <= 0) {
        remaining = 0; stop(); render();
        status.textContent = "Time is up. Well done: now log the session.";
        if (navigator.vibrate) { navigator.vibrate([300, 150, 300]); }
        return;
      }
      render();
    }
    start.addEventListener("click", function () {
      if (remaining <= 0) { remaining = total; }
      endAt = Date.now() + remaining * 1000;
      start.hidden = true; pause.hidden = false;
      status.textContent = "Started";
      if (navigator.wakeLock && navigator.wakeLock.request) {
        navigator.wakeLock.request("screen").then(function (l) { lock = l; }).catch(function () {});
      }
      tick = setInterval(step, 250);
    });
    pause.addEventListener("click", function () { step(); stop(); status.textContent = "Paused at " + fmt(remaining); });
    reset.addEventListener("click", function () { stop(); remaining = total; lastMinute = null; render(); status.textContent = "Reset"; });
    render();
  });
})();
