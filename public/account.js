// The account pages reached from emailed links: read the token from the URL, send the new password to
// the API (POST /api/auth/accept-invite or /api/auth/reset), and say in the page what happened.
// Plain browser JavaScript, no dependencies.
(() => {
  const form = document.getElementById("account-form");
  // Two live regions: errors as an alert, progress and success as a status.
  const regions = { error: document.getElementById("error"), status: document.getElementById("status") };
  const password = document.getElementById("password");
  const confirm = document.getElementById("confirm");
  const name = document.getElementById("name");
  const button = form.querySelector("button");
  const token = new URLSearchParams(location.search).get("token") ?? "";

  function show(kind, text, focus) {
    for (const [which, region] of Object.entries(regions)) region.textContent = which === kind ? text : "";
    if (focus) regions[kind].focus();
  }

  function invalid(field, text) {
    field.setAttribute("aria-invalid", "true");
    show("error", text, false);
    field.focus();
  }

  function explain(status, body) {
    const detail = body?.error?.details?.[0];
    if (status === 410) return `${body.error.message}. Ask for a new link.`;
    if (status === 429) return "Too many attempts. Wait a minute, then try again.";
    if (status === 400 && detail?.message) return `Not accepted: ${detail.message}.`;
    return body?.error?.message ?? `Something went wrong (HTTP ${status}). Try again.`;
  }

  if (!token) {
    show("error", "This link has no token. Open the link from your email again, or ask for a new one.", true);
    button.disabled = true;
    return;
  }

  for (const field of [password, confirm])
    field.addEventListener("input", () => field.removeAttribute("aria-invalid"));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value.length < 10) return invalid(password, "The password needs at least 10 characters.");
    if (confirm.value !== password.value) return invalid(confirm, "The two passwords differ.");
    const body = { token, password: password.value };
    if (name?.value.trim()) body.name = name.value.trim();
    button.disabled = true;
    show("status", "Saving…", false);
    try {
      const response = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        form.hidden = true;
        show("status", form.dataset.success, true);
        return;
      }
      const answer = await response.json().catch(() => null);
      show("error", explain(response.status, answer), true);
    } catch {
      show("error", "Could not reach Switchboard. Check your connection and try again.", true);
    }
    button.disabled = false;
  });
})();
