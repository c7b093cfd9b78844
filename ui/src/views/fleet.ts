// Settings → Fleet: the drivers a day is planned over when a plan or a day's file names none
// (e-mail, name, parcel capacity, shift, open end). Saved whole; a bad field is named by the
// engine and nothing is saved.

import { commands } from "../api/client";
import type { Fleet, FleetDriver } from "../api/types";
import { clear, h } from "../dom";
import { showError, toast } from "../notify";

/** The Fleet card; loads the saved fleet itself. */
export function fleetCard(): HTMLElement {
  const rows = h("tbody");
  const card = h(
    "div",
    { class: "card wide", id: "fleet" },
    h("h2", {}, "Fleet"),
    h(
      "p",
      { class: "muted" },
      "The drivers a day is planned over (Plan the day, a day's file without drivers, the plan API without drivers). Empty capacity: no parcel limit; empty shift end: 23:59.",
    ),
    h(
      "table",
      { class: "fleet" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["E-mail", "Name", "Parcels", "Shift start", "Shift end", "Max stops", "Open end", ""].map((t) =>
            h("th", {}, t),
          ),
        ),
      ),
      rows,
    ),
  );
  const addRow = (d: Partial<FleetDriver>) => {
    const input = (cls: string, value: string | number | null | undefined, type = "text") =>
      h("input", { class: cls, type, value: value === null || value === undefined ? "" : String(value) });
    const tr = h(
      "tr",
      { class: "driver-row" },
      h("td", {}, input("email", d.email)),
      h("td", {}, input("name", d.name)),
      h("td", {}, input("capacity", d.capacity, "number")),
      h("td", {}, input("shift_start", d.shift_start, "time")),
      h("td", {}, input("shift_end", d.shift_end, "time")),
      h("td", {}, input("max_stops", d.max_stops, "number")),
      h("td", {}, h("input", { class: "open_end", type: "checkbox", checked: d.open_end === true })),
      h("td", {}, h("button", { class: "ghost", onclick: () => tr.remove() }, "Remove")),
    );
    rows.append(tr);
  };
  const read = (): Fleet => ({
    drivers: [...rows.querySelectorAll("tr")].map((tr) => {
      const v = (c: string) => (tr.querySelector(`input.${c}`) as HTMLInputElement).value.trim();
      const num = (c: string) => (v(c) === "" ? undefined : Number(v(c)));
      const opt = (c: string) => (v(c) === "" ? undefined : v(c));
      return {
        email: v("email"),
        name: opt("name"),
        capacity: num("capacity"),
        shift_start: opt("shift_start"),
        shift_end: opt("shift_end"),
        max_stops: num("max_stops"),
        open_end: (tr.querySelector("input.open_end") as HTMLInputElement).checked,
      };
    }),
  });
  card.append(
    h(
      "div",
      { class: "row" },
      h("button", { class: "ghost", id: "fleet-add", onclick: () => addRow({}) }, "Add driver"),
      h(
        "button",
        {
          class: "primary",
          id: "fleet-save",
          onclick: async () => {
            try {
              const saved = await commands.setFleet(read());
              toast(`Fleet saved: ${saved.drivers.length} driver(s)`, "ok");
            } catch (e) {
              showError(e, "Fleet not saved: ");
            }
          },
        },
        "Save fleet",
      ),
    ),
  );
  void commands
    .getFleet()
    .then((f) => {
      clear(rows);
      for (const d of f.drivers) addRow(d);
      if (f.drivers.length === 0) addRow({});
    })
    // Said in the card, not as a toast: the rest of Settings still works without it.
    .catch((e) => card.append(h("p", { class: "warn" }, `Could not load the fleet: ${String(e?.message ?? e)}`)));
  return card;
}
