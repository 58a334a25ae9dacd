// The trade upload's page while its import runs: status, progress and result kept up to date
// without reloading the page (the staff member can read or leave at any time).
(function () {
  const fields = [".field-status", ".field-progress", ".field-message", ".field-dataset", ".field-finished_at"];
  for (const selector of fields) {
    const box = document.querySelector(selector + " .readonly");
    if (box) box.setAttribute("aria-live", "polite");
  }
  async function refresh() {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of fields) {
      const fresh = page.querySelector(selector + " .readonly");
      const shown = document.querySelector(selector + " .readonly");
      if (fresh && shown && fresh.textContent !== shown.textContent) shown.textContent = fresh.textContent;
    }
    // The server stops loading this script once the upload is no longer queued.
    if (page.querySelector('script[src*="admin-upload"]')) window.setTimeout(refresh, 5000);
  }
  window.setTimeout(refresh, 5000);
})();
