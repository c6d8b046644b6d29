// PulsePal's few touches to Chainlit's page (loaded through custom_js in .chainlit/config.toml). Hand-written, no
// libraries; it only reads the page and sets classes or clicks Chainlit's own button, never writes page content.
//  - /pulsepal/me says whether the signed-in user is an admin (the header's "Admin" link is shown only then) and
//    whether signing out can work (not in local or proxy mode: the "Logout" menu is hidden there).
//  - Commands that need no text (/download) run as soon as they are chosen: Chainlit's composer otherwise turns
//    "/download" + Enter into a chip and waits for a second Enter.
(function () {
  "use strict";
  const root = document.documentElement;
  const RUN_AT_ONCE = ["download"];
  let known = false;
  let asking = false;
  let retry = 500;

  async function whoAmI() {
    if (known || asking) return;
    asking = true;
    try {
      const res = await fetch("/pulsepal/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.ok) {
        const me = await res.json();
        root.classList.toggle("pulsepal-admin", me.admin === true);
        root.classList.toggle("pulsepal-no-logout", me.logout === false);
        known = true;
      }
    } catch (e) {
      // not reachable yet: asked again below
    } finally {
      asking = false;
    }
    if (!known && retry <= 8000) {
      setTimeout(whoAmI, retry);  // the sign-in cookie may land a moment after the menu
      retry *= 2;
    }
  }

  const fired = new WeakSet();
  function runChosenCommand() {
    for (const id of RUN_AT_ONCE) {
      const chip = document.getElementById("command-" + id);
      const input = document.getElementById("chat-input");
      if (!chip || fired.has(chip) || !input || input.value.trim() !== "") continue;
      fired.add(chip);
      setTimeout(() => {
        const submit = document.getElementById("chat-submit");
        if (submit && !submit.disabled && document.getElementById("command-" + id) === chip) submit.click();
      }, 0);
    }
  }

  // Ask who is signed in once the page shows a signed-in user (Chainlit's user menu), not before.
  new MutationObserver(() => {
    runChosenCommand();
    if (!known && document.getElementById("user-nav-button")) whoAmI();
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
