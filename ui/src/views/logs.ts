// The log view: the tail of the newest log file, filterable by level.

import { commands } from "../api/client";
import { clear, h } from "../dom";
import { showError } from "../notify";

export class LogsView {
  readonly el = h("section", { class: "view logs-view" });
  private level = "";

  async refresh(): Promise<void> {
    try {
      const tail = await commands.readLog(500);
      const lines = tail.lines.filter((l) => !this.level || l.includes(this.level));
      clear(this.el);
      const sel = h(
        "select",
        { "aria-label": "Level" },
        ["", "ERROR", "WARN", "INFO", "DEBUG"].map((l) =>
          h("option", { value: l, selected: l === this.level }, l || "All levels"),
        ),
      );
      sel.addEventListener("change", () => {
        this.level = sel.value;
        void this.refresh();
      });
      this.el.append(
        h(
          "header",
          { class: "view-head" },
          h("h1", {}, "Logs"),
          h("div", { class: "spacer" }),
          sel,
          h("button", { onclick: () => this.refresh() }, "Refresh"),
        ),
        h("p", { class: "muted small" }, tail.file ?? "No log file yet."),
        h("pre", { class: "log" }, lines.join("\n") || "(empty)"),
      );
    } catch (e) {
      showError(e, "Could not read the log: ");
    }
  }
}
