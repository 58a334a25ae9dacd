// Type-ahead list for product fields (<input data-hs-combobox="/companies/hs-search/">), after
// the WAI-ARIA combobox pattern: arrow keys move through the list, Enter chooses, Escape closes,
// a polite status tells screen readers how many codes were found. Without JavaScript the field
// takes an HS code or words, and the server answers words with suggestions.
(() => {
  "use strict";
  const DELAY_MS = 200;
  let counter = 0;

  function setUp(input) {
    counter += 1;
    const id = input.id || `hs-combobox-${counter}`;
    input.id = id;
    const list = document.createElement("ul");
    list.id = `${id}-listbox`;
    list.className = "hs-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    const chosen = document.createElement("p");
    chosen.className = "hs-chosen";
    chosen.setAttribute("aria-live", "polite");
    input.after(list, status, chosen);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    const label = document.querySelector(`label[for="${id}"]`);
    if (label) list.setAttribute("aria-label", label.textContent.trim());

    let timer = null;
    let active = -1;
    let options = [];
    let request = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(option) {
      input.value = option.dataset.code;
      chosen.textContent = option.textContent;
      close();
    }

    function render(results) {
      list.replaceChildren();
      options = results.map((result, i) => {
        const option = document.createElement("li");
        option.id = `${id}-option-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.code = result.code;
        const code = document.createElement("strong");
        code.textContent = result.code;
        option.append(code, ` ${result.description}`);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the input
          choose(option);
        });
        list.append(option);
        return option;
      });
      const found = input.dataset.hsFound || "%s";
      status.textContent = results.length
        ? found.replace("%s", String(results.length))
        : input.dataset.hsNone || "";
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
      active = -1;
    }

    async function lookUp() {
      const query = input.value.trim();
      if (query.length < 2) {
        close();
        return;
      }
      const mine = ++request;
      const url = new URL(input.dataset.hsCombobox, window.location.href);
      url.searchParams.set("q", query);
      url.searchParams.set("format", "json");
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok || mine !== request) return;
        const data = await response.json();
        if (mine === request) render(data.results.slice(0, 12));
      } catch {
        close(); // offline: the field still takes a code, the server checks it
      }
    }

    input.addEventListener("input", () => {
      chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(lookUp, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= 2) lookUp();
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // choose, do not submit the form yet
        choose(options[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-hs-combobox]").forEach(setUp);
})();
