// Settings → Webhooks: the account's subscriptions (URL, events, queue, last attempt), a form to
// add one (its secret is shown once, in the card), and per subscription its delivery log (newest
// attempts: event, time, status code, latency), Test, Retry parked and Remove.

import { commands } from "../api/client";
import type { Attempt, DeliveryLog, EventType, Subscription } from "../api/types";
import { clear, h } from "../dom";
import { showError, toast } from "../notify";

const EVENT_TYPES: EventType[] = [
  "job.imported",
  "job.updated",
  "job.completed",
  "stop.status_changed",
  "plan.created",
];

function attemptText(a: Attempt | null): string {
  if (!a) return "no delivery yet";
  const status = a.status === null ? (a.error ?? "no answer") : `HTTP ${a.status}`;
  return `${a.ok ? "delivered" : "failed"}: ${status}, ${a.latency_ms} ms, ${new Date(a.at).toLocaleString()}`;
}

/** The delivery log table of one subscription. */
function logTable(log: DeliveryLog): HTMLElement {
  const rows = log.attempts.map((a) =>
    h(
      "tr",
      { class: a.ok ? "ok" : "failed" },
      h("td", {}, new Date(a.at).toLocaleTimeString()),
      h("td", {}, a.type),
      h("td", { class: "mono" }, a.event_id),
      h("td", {}, a.status === null ? "—" : String(a.status)),
      h("td", {}, `${a.latency_ms} ms`),
      h("td", {}, a.ok ? "acknowledged" : (a.error ?? "failed")),
    ),
  );
  const parked = log.parked.map((p) =>
    h(
      "li",
      {},
      `Job ${p.subject}: failing since ${new Date(p.since).toLocaleString()} (${p.last_error ?? "no answer"})`,
    ),
  );
  return h(
    "div",
    { class: "webhook-log" },
    h(
      "table",
      { class: "deliveries" },
      h("thead", {}, h("tr", {}, ...["Time", "Event", "Id", "Status", "Latency", "Result"].map((t) => h("th", {}, t)))),
      h("tbody", {}, ...rows),
    ),
    rows.length === 0 ? h("p", { class: "muted" }, "No delivery attempts yet.") : h("span", {}),
    parked.length
      ? h("div", {}, h("p", { class: "warn" }, "Parked (stopped after 24 h of failures):"), h("ul", {}, ...parked))
      : h("span", {}),
  );
}

/** The Webhooks card; loads the subscriptions itself. */
export function webhooksCard(): HTMLElement {
  const list = h("div", { id: "webhook-list" });
  const secretBox = h("div", { id: "webhook-secret" });
  const url = h("input", { id: "webhook-url", placeholder: "https://erp.example.com/hooks/routemate", value: "" });
  const description = h("input", { id: "webhook-description", placeholder: "Description (optional)", value: "" });
  const boxes = EVENT_TYPES.map((t) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", class: "webhook-event", value: t, checked: true }),
      ` ${t}`,
    ),
  );

  const load = async () => {
    try {
      const subs = await commands.webhooksList();
      clear(list);
      if (subs.length === 0) list.append(h("p", { class: "muted" }, "No webhooks yet."));
      for (const s of subs) list.append(row(s));
    } catch (e) {
      clear(list);
      list.append(h("p", { class: "warn" }, `Could not load webhooks: ${String((e as Error)?.message ?? e)}`));
    }
  };

  const row = (s: Subscription): HTMLElement => {
    const logBox = h("div", { class: "webhook-log-box" });
    const showLog = async () => {
      try {
        const log = await commands.webhooksLog(s.id);
        clear(logBox);
        logBox.append(logTable(log));
      } catch (e) {
        showError(e, "Could not load the delivery log: ");
      }
    };
    const el = h(
      "div",
      { class: "webhook", "data-id": s.id },
      h(
        "div",
        { class: "row" },
        h("strong", { class: "webhook-url" }, s.url),
        h("span", { class: "muted" }, ` ${s.description ?? ""}`),
      ),
      h("div", { class: "muted" }, `${s.events.join(", ")} · secret …${s.secret_hint}`),
      h(
        "div",
        { class: "webhook-status" },
        `Queued jobs: ${s.queued} · parked: ${s.parked} · last: ${attemptText(s.last_attempt)}`,
      ),
      h(
        "div",
        { class: "row" },
        h("button", { class: "ghost webhook-show-log", onclick: () => void showLog() }, "Delivery log"),
        h(
          "button",
          {
            class: "ghost webhook-test",
            onclick: async () => {
              try {
                const a = await commands.webhooksTest(s.id);
                toast(`Test: ${attemptText(a)}`, a.ok ? "ok" : "error");
              } catch (e) {
                showError(e, "Test not sent: ");
              }
            },
          },
          "Send test",
        ),
        h(
          "button",
          {
            class: "ghost",
            onclick: async () => {
              try {
                const n = await commands.webhooksRetry(s.id);
                toast(`${n} parked job(s) queued again`, "ok");
                await load();
              } catch (e) {
                showError(e, "Not retried: ");
              }
            },
          },
          "Retry parked",
        ),
        h(
          "button",
          {
            class: "ghost danger",
            onclick: async () => {
              try {
                await commands.webhooksRemove(s.id);
                toast("Webhook removed", "ok");
                await load();
              } catch (e) {
                showError(e, "Not removed: ");
              }
            },
          },
          "Remove",
        ),
      ),
      logBox,
    );
    return el;
  };

  const add = async () => {
    const events = [...document.querySelectorAll<HTMLInputElement>("input.webhook-event")]
      .filter((b) => b.checked)
      .map((b) => b.value as EventType);
    try {
      const created = await commands.webhooksAdd(url.value.trim(), events, description.value.trim() || null);
      clear(secretBox);
      secretBox.append(
        h(
          "p",
          { class: "secret-once" },
          "Signing secret (shown only now; the receiver checks RouteMate-Signature with it): ",
          h("code", { id: "webhook-secret-value" }, created.secret),
        ),
      );
      url.value = "";
      description.value = "";
      toast("Webhook added", "ok");
      await load();
    } catch (e) {
      showError(e, "Webhook not added: ");
    }
  };

  const card = h(
    "div",
    { class: "card wide", id: "webhooks" },
    h("h2", {}, "Webhooks"),
    h(
      "p",
      { class: "muted" },
      "Signed events sent to your systems when jobs and stops change (https, or http to this machine). Retried for 24 h; see the README for the signature check.",
    ),
    h("div", { class: "row" }, url, description),
    h("div", { class: "row" }, ...boxes),
    h(
      "div",
      { class: "row" },
      h("button", { class: "primary", id: "webhook-add", onclick: () => void add() }, "Add webhook"),
    ),
    secretBox,
    list,
  );
  void load();
  return card;
}
