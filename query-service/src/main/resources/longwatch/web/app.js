// Longwatch web page: plain DOM + fetch, no build step. Talks only to the HTTP API of this origin.
"use strict";

const state = { streamId: null, slots: [], events: null };
const $ = (id) => document.getElementById(id);

function token() { return $("token").value.trim(); }

/** Adds ?access_token= for requests that cannot carry headers (img, EventSource). */
function withToken(url) {
  const t = token();
  return t ? url + (url.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(t) : url;
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (token()) headers["Authorization"] = "Bearer " + token();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const e = json && json.error ? json.error : { code: String(response.status), message: text };
    throw new Error(e.code + ": " + e.message);
  }
  return json;
}

function fmt(sec) { return Number(sec).toFixed(1) + "s"; }

async function loadStreams() {
  try {
    const list = await api("GET", "/v1/streams");
    const ul = $("streams");
    ul.replaceChildren(...list.streams.map((s) => {
      const li = document.createElement("li");
      li.dataset.id = s.id;
      li.className = s.id === state.streamId ? "selected" : "";
      li.innerHTML = "<strong></strong><span class='state'></span><div class='muted'></div>";
      li.querySelector("strong").textContent = s.id;
      const badge = li.querySelector(".state");
      badge.textContent = s.state;
      badge.classList.add(s.state);
      li.querySelector(".muted").textContent =
        s.framesProduced + " frames, " + s.framesInMemory + " in memory, " + fmt(s.coverageSec) + " covered";
      li.addEventListener("click", () => selectStream(s.id));
      return li;
    }));
    $("streams-status").textContent = list.streams.length ? "" : "No streams yet.";
    if (!state.streamId && list.streams.length) selectStream(list.streams[0].id);
  } catch (e) {
    $("streams-status").textContent = e.message;
    $("streams-status").className = "error";
  }
}

async function selectStream(id) {
  state.streamId = id;
  $("stream-title").textContent = id;
  document.querySelectorAll("#streams li").forEach((li) => li.classList.toggle("selected", li.dataset.id === id));
  await loadTimeline();
}

async function loadTimeline() {
  if (!state.streamId) return;
  const memory = await api("GET", "/v1/streams/" + encodeURIComponent(state.streamId) + "/memory");
  state.slots = memory.slots;
  $("timeline").replaceChildren(...memory.slots.map((slot, i) => {
    const div = document.createElement("div");
    div.className = "slot";
    div.dataset.start = slot.startSec;
    div.dataset.end = slot.endSec;
    const img = document.createElement("img");
    img.src = withToken(slot.keyframeUrl);
    img.alt = "keyframe " + (i + 1);
    const caption = document.createElement("div");
    caption.textContent = fmt(slot.startSec) + "–" + fmt(slot.endSec) + " (" + slot.frames + ")";
    div.append(img, caption);
    div.addEventListener("click", () => showEvidence(slot));
    return div;
  }));
}

/** Highlights the slots of a span on the timeline and shows its keyframe large. */
function showEvidence(span) {
  document.querySelectorAll("#timeline .slot").forEach((div) => {
    const overlaps = Number(div.dataset.start) < span.endSec && Number(div.dataset.end) > span.startSec
      || Number(div.dataset.start) === span.startSec;
    div.classList.toggle("highlight", overlaps);
  });
  $("preview").hidden = false;
  $("preview-img").src = withToken(span.keyframeUrl);
  $("preview-caption").textContent = fmt(span.startSec) + "–" + fmt(span.endSec);
}

function evidenceButtons(container, evidence) {
  container.replaceChildren(...evidence.map((span) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = fmt(span.startSec) + "–" + fmt(span.endSec);
    button.addEventListener("click", () => showEvidence(span));
    return button;
  }));
}

async function ask(event) {
  event.preventDefault();
  if (!state.streamId) return;
  const body = { question: $("question").value };
  if ($("from").value !== "") body.fromSec = Number($("from").value);
  if ($("to").value !== "") body.toSec = Number($("to").value);
  $("answer-box").hidden = false;
  $("answer").textContent = "…";
  $("answer").className = "";
  try {
    const answer = await api("POST", "/v1/streams/" + encodeURIComponent(state.streamId) + "/ask", body);
    $("answer").textContent = answer.answer;
    evidenceButtons($("evidence"), answer.evidence);
    $("answer-meta").textContent = "memory v" + answer.memoryVersion
      + (answer.llm ? " · " + answer.llm.model + " · " + answer.llm.latencyMs + " ms" : " · evidence only");
  } catch (e) {
    $("answer").textContent = e.message;
    $("answer").className = "error";
    $("evidence").replaceChildren();
  }
}

async function subscribe(event) {
  event.preventDefault();
  if (!state.streamId) return;
  try {
    const sub = await api("POST", "/v1/subscriptions", {
      streamId: state.streamId, question: $("sub-question").value, cooldownSec: Number($("sub-cooldown").value) });
    $("sub-status").textContent = "Watching " + sub.streamId + " (" + sub.id + ")" + (sub.note ? ": " + sub.note : "");
    $("sub-status").dataset.subscriptionId = sub.id;
    if (state.events) state.events.close();
    // EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed.
    state.events = new EventSource(withToken("/v1/subscriptions/" + encodeURIComponent(sub.id) + "/events"));
    const seen = new Set();
    state.events.addEventListener("answer", (message) => {
      if (seen.has(message.lastEventId)) return;
      seen.add(message.lastEventId);
      const answer = JSON.parse(message.data);
      const li = document.createElement("li");
      li.dataset.id = answer.id;
      li.innerHTML = "<strong></strong> <span></span><div></div>";
      li.querySelector("strong").textContent = answer.streamId + " @ " + fmt(answer.atSec);
      li.querySelector("span").textContent = answer.answer;
      evidenceButtons(li.querySelector("div"), answer.evidence);
      $("feed").prepend(li);
    });
  } catch (e) {
    $("sub-status").textContent = e.message;
    $("sub-status").className = "error";
  }
}

$("token").value = localStorage.getItem("longwatch.token") || "";
$("token").addEventListener("change", () => { localStorage.setItem("longwatch.token", token()); loadStreams(); });
$("ask-form").addEventListener("submit", ask);
$("subscribe-form").addEventListener("submit", subscribe);
loadStreams();
setInterval(loadStreams, 5000);
