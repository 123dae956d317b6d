// Live meetings: keeps a page's live region where the meeting is (phones, the big screen, the moderator).
// The page works without it: phones post their forms and reload, and the server renders every page whole.
//
// <div data-live-socket="/ws/live/…/" data-live-poll="…" data-live-version="n" data-live-kind="phone|screen|moderator"
//      data-live-notice-text="…">
//   <div data-live-region>…</div>  <p data-live-notice role="status" hidden></p>
// </div>
//
// Pushes come over a WebSocket: {"type": "session", "version": v, "html": …} replaces the region (older versions are
// ignored); a push without html, and {"type": "answers"}, make the page ask data-live-poll for the region (at most
// once per 500 ms, the last always). When the socket fails the page asks every 2 s and shows the notice, and tries the
// socket again with growing, jittered waits. Forms marked data-live-answer are sent over the socket when it is open,
// else posted with fetch (X-Live: 1); the reply goes to the form's [data-live-message].
(function () {
  "use strict";

  var PULL_EVERY = 500;        // ms between two asks for the region
  var POLL_EVERY = 2000;       // ms between asks while the socket is down
  var SCREEN_ASKS_EVERY = 3000; // ms between a screen's own asks while its socket is open
  var GRACE = 3000;            // ms a dropped socket may take to come back before the notice shows
  var RETRY_FIRST = 1000;      // ms before the first new try, doubled each time up to RETRY_MOST
  var RETRY_MOST = 30000;
  var REPLY_WAIT = 5000;       // ms to wait for the socket's reply to an answer before posting it instead

  function start(root) {
    var region = root.querySelector("[data-live-region]");
    if (!region) { return; }
    var notice = root.querySelector("[data-live-notice]");
    var kind = root.getAttribute("data-live-kind") || "phone";
    var pollUrl = root.getAttribute("data-live-poll");
    var socketPath = root.getAttribute("data-live-socket");
    var version = parseInt(root.getAttribute("data-live-version"), 10) || 0;

    var socket = null;
    var opened = false;        // the current socket has opened
    var stopped = false;       // the server said there is nothing to follow: no more tries
    var retries = 0;
    var retryTimer = null;
    var graceTimer = null;
    var pollTimer = null;
    var lastPull = 0;
    var pullTimer = null;
    var pulling = false;
    var pullAgain = false;
    var pullFocus = false;
    var lastHtml = null;
    var sent = {};             // answers waiting for the socket's reply, by ref
    var refs = 0;

    // --- The region ---------------------------------------------------------------------------------------------

    function csrfToken() {
      var meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.getAttribute("content") || "" : "";
    }

    function fillCsrf(container) {
      var token = csrfToken();
      var inputs = container.querySelectorAll('input[name="csrfmiddlewaretoken"]');
      for (var i = 0; i < inputs.length; i += 1) {
        if (!inputs[i].value) { inputs[i].value = token; }
      }
    }

    function escape(value) {
      return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
    }

    // What had keyboard focus inside the region, to find its counterpart in the new content.
    function focusKey() {
      var active = document.activeElement;
      if (!active || active === region || !region.contains(active)) { return null; }
      if (active.id) { return "#" + escape(active.id); }
      var tag = active.tagName.toLowerCase();
      if (active.getAttribute("href")) { return tag + '[href="' + escape(active.getAttribute("href")) + '"]'; }
      if (active.name) {
        var key = tag + '[name="' + escape(active.name) + '"]';
        if (active.value !== undefined && active.value !== "") { key += '[value="' + escape(active.value) + '"]'; }
        return key;
      }
      return null;
    }

    function swap(html, moveFocus) {
      if (html === lastHtml) { return; }
      var key = moveFocus ? null : focusKey();
      region.innerHTML = html;
      lastHtml = html;
      fillCsrf(region);
      if (window.htmx && typeof window.htmx.process === "function") { window.htmx.process(region); }
      var target = null;
      if (moveFocus) {
        target = region.querySelector("[data-focus-after-swap]");
      } else if (key) {
        try { target = region.querySelector(key); } catch (error) { target = null; }
      }
      if (target && typeof target.focus === "function") { target.focus(); }
    }

    // --- Asking for the region (throttled: at most one ask per PULL_EVERY, the last one always) ------------------

    function pull(moveFocus) {
      if (!pollUrl) { return; }
      if (moveFocus) { pullFocus = true; }
      if (pulling) { pullAgain = true; return; }
      if (pullTimer !== null) { return; }
      var wait = Math.max(0, lastPull + PULL_EVERY - Date.now());
      pullTimer = window.setTimeout(function () { pullTimer = null; ask(); }, wait);
    }

    function ask() {
      var moveFocus = pullFocus;
      pullFocus = false;
      pulling = true;
      lastPull = Date.now();
      window.fetch(pollUrl, { credentials: "same-origin", cache: "no-store", headers: { "X-Live": "1" } })
        .then(function (response) {
          if (response.status === 403 || response.status === 404 || response.status === 410) {
            stopPolling();
            return null;
          }
          // Sent elsewhere (signed out: the sign-in page): show the page itself rather than put it in the region.
          if (response.redirected) {
            window.location.reload();
            return null;
          }
          if (!response.ok) { return null; }
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") !== -1) {
            return response.json().then(function (state) {
              if (state && typeof state.html === "string" && typeof state.version === "number") {
                if (state.version > version) {
                  version = state.version;
                  swap(state.html, true);
                }
              }
            });
          }
          return response.text().then(function (html) { swap(html, moveFocus); });
        })
        .catch(function () { /* the next ask tries again */ })
        .then(function () {
          pulling = false;
          if (pullAgain) { pullAgain = false; pull(false); }
        });
    }

    // --- Polling while the socket is down ----------------------------------------------------------------------

    function startPolling() {
      if (pollTimer !== null || !pollUrl) { return; }
      if (notice) {
        notice.textContent = root.getAttribute("data-live-notice-text") || "";
        notice.hidden = false;
      }
      pull(false);
      pollTimer = window.setInterval(function () { pull(false); }, POLL_EVERY);
    }

    function stopPolling() {
      if (pollTimer !== null) { window.clearInterval(pollTimer); pollTimer = null; }
      if (notice) { notice.hidden = true; notice.textContent = ""; }
    }

    // --- The socket ----------------------------------------------------------------------------------------------

    function socketUrl() {
      if (/^wss?:\/\//.test(socketPath)) { return socketPath; }
      return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + socketPath;
    }

    function connect() {
      retryTimer = null;
      if (stopped || !socketPath || !window.WebSocket) { startPolling(); return; }
      if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) { return; }
      opened = false;
      try {
        socket = new WebSocket(socketUrl());
      } catch (error) {
        socket = null;
        startPolling();
        retry();
        return;
      }
      socket.onopen = function () {
        opened = true;
        retries = 0;
        if (graceTimer !== null) { window.clearTimeout(graceTimer); graceTimer = null; }
        stopPolling();
        // Phones are sent where the session is at once; screens ask, to catch what they missed meanwhile.
        if (kind !== "phone") { pull(false); }
      };
      socket.onmessage = function (event) { received(event.data); };
      // A socket the browser blocks before it opens (a policy, a proxy) may report an error and never a close:
      // poll at once and keep trying, as for a refused connection.
      socket.onerror = function () {
        if (!opened) { startPolling(); retry(); }
      };
      socket.onclose = function (event) {
        var wasOpen = opened;
        socket = null;
        opened = false;
        failPending();
        if (event.code >= 4400 && event.code < 4500) {
          // The server refused: no such meeting any more, no permission. Ask the page once and stop.
          stopped = true;
          pull(true);
          return;
        }
        if (wasOpen) {
          if (graceTimer === null) {
            graceTimer = window.setTimeout(function () { graceTimer = null; if (!opened) { startPolling(); } }, GRACE);
          }
        } else {
          startPolling();
        }
        retry();
      };
    }

    function retry() {
      if (stopped || retryTimer !== null) { return; }
      var most = Math.min(RETRY_MOST, RETRY_FIRST * Math.pow(2, retries));
      retries += 1;
      // Full jitter: two thousand phones that lost one server come back spread out, not all at once.
      var wait = Math.max(250, Math.random() * most);
      retryTimer = window.setTimeout(connect, wait);
    }

    function received(text) {
      var message;
      try { message = JSON.parse(text); } catch (error) { return; }
      if (!message || typeof message !== "object") { return; }
      if (message.type === "session") {
        if (typeof message.version !== "number" || message.version <= version) { return; }
        version = message.version;
        if (typeof message.html === "string") {
          swap(message.html, true);
        } else {
          pull(true);
        }
      } else if (message.type === "answers") {
        pull(false);
      } else if (message.type === "answered") {
        var pending = sent[message.ref];
        if (pending) {
          delete sent[message.ref];
          window.clearTimeout(pending.timer);
          done(pending.form, message.ok, message.message);
        }
      }
    }

    // Page came back to the front (a phone woken up): reconnect now rather than after the wait.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible" || stopped) { return; }
      if (!socket) {
        if (retryTimer !== null) { window.clearTimeout(retryTimer); retryTimer = null; }
        connect();
        pull(false);
      }
    });

    // --- Answer forms -----------------------------------------------------------------------------------------------

    // The form's own [data-live-message], else the page's (outside the region, so a swap keeps it).
    function say(form, text) {
      var box = form.querySelector("[data-live-message]") || root.querySelector("[data-live-message]");
      if (!box) { return; }
      box.textContent = "";
      box.hidden = !text;
      window.setTimeout(function () { box.textContent = text || ""; }, 50);
    }

    function busy(form, on) {
      var buttons = form.querySelectorAll("button, input[type=submit]");
      for (var i = 0; i < buttons.length; i += 1) { buttons[i].disabled = on; }
      if (on) { form.setAttribute("aria-busy", "true"); } else { form.removeAttribute("aria-busy"); }
    }

    function done(form, ok, text) {
      busy(form, false);
      say(form, text);
      if (ok && form.hasAttribute("data-reset-on-success")) { form.reset(); }
    }

    function formData(form, submitter) {
      var data;
      try {
        data = submitter ? new FormData(form, submitter) : new FormData(form);
      } catch (error) {
        data = new FormData(form);
        if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      }
      return data;
    }

    // Without a usable reply the form is posted the ordinary way, as without JavaScript (the button pressed too).
    function submitPlainly(form, submitter) {
      if (submitter && submitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = submitter.name;
        hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      fillCsrf(form);
      HTMLFormElement.prototype.submit.call(form);
    }

    function post(form, data, submitter) {
      var token = csrfToken();
      if (!data.get("csrfmiddlewaretoken")) { data.set("csrfmiddlewaretoken", token); }
      window.fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Live": "1", "X-CSRFToken": token }
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) { throw new Error("not a reply"); }
          return response.json();
        })
        .then(function (reply) { done(form, reply.ok, reply.message); })
        .catch(function () {
          busy(form, false);
          submitPlainly(form, submitter);
        });
    }

    function failPending() {
      // Answers the closed socket never answered go by fetch instead.
      var refsWaiting = Object.keys(sent);
      for (var i = 0; i < refsWaiting.length; i += 1) {
        var pending = sent[refsWaiting[i]];
        delete sent[refsWaiting[i]];
        window.clearTimeout(pending.timer);
        post(pending.form, pending.data, pending.submitter);
      }
    }

    root.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-live-answer")) { return; }
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      var submitter = event.submitter || null;
      var data = formData(form, submitter);
      busy(form, true);
      var activity = form.getAttribute("data-activity");
      // Answers go over the socket when it is open; questions and upvotes (data-live-fetch) always by fetch.
      if (socket && opened && socket.readyState === WebSocket.OPEN && activity && !form.hasAttribute("data-live-fetch")) {
        var fields = {};
        data.forEach(function (value, name) {
          if (name === "csrfmiddlewaretoken" || typeof value !== "string") { return; }
          (fields[name] = fields[name] || []).push(value);
        });
        refs += 1;
        var ref = String(refs);
        try {
          socket.send(JSON.stringify({ type: "answer", activity: activity, data: fields, ref: ref }));
        } catch (error) {
          post(form, data, submitter);
          return;
        }
        sent[ref] = {
          form: form,
          data: data,
          submitter: submitter,
          timer: window.setTimeout(function () {
            if (sent[ref]) { delete sent[ref]; post(form, data, submitter); }
          }, REPLY_WAIT)
        };
      } else {
        post(form, data, submitter);
      }
    });

    fillCsrf(root);
    if (socketPath && window.WebSocket) { connect(); } else { startPolling(); }
    // Screens and moderators also ask every few seconds while their socket is open: the server sends "answers"
    // at most ten times a second per process, so the last answers of a burst may come without a push of their own.
    if (kind !== "phone") {
      window.setInterval(function () { if (opened && !document.hidden) { pull(false); } }, SCREEN_ASKS_EVERY);
    }
  }

  function init() {
    if (!window.fetch) { return; }   // very old browsers keep the pages that work without JavaScript
    var roots = document.querySelectorAll("[data-live-socket], [data-live-poll]");
    for (var i = 0; i < roots.length; i += 1) {
      if (roots[i].querySelector("[data-live-region]")) { start(roots[i]); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
