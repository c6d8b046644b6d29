// PulsePal's few touches to Chainlit's page (loaded through custom_js in .chainlit/config.toml). Hand-written, no
// libraries. It reads the page, sets classes and data- attributes, adds two small things of its own (the "Pinned"
// group and the "Pin" menu entry) and clicks Chainlit's own buttons; text from the server is only ever set with
// textContent.
//  - /pulsepal/me says whether the signed-in user is an admin (the header's "Admin" link is shown only then) and
//    whether signing out can work (not in local or proxy mode: the "Logout" menu is hidden there).
//  - Commands that need no text (/download, /pin, ...) run as soon as they are chosen: Chainlit's composer
//    otherwise turns "/download" + Enter into a chip and waits for a second Enter.
//  - Pins. The sidebar sorts conversations by date itself, so pinned ones get a "Pinned" group of their own on
//    top (from GET /pulsepal/pins), keep their place in their date group with a pin mark, and each conversation's
//    menu (the "..." next to it) gets "Pin" / "Unpin", which calls POST /pulsepal/pins/<id>.
//  - A deleted open conversation. When the conversation this tab shows is deleted (/delete-all here or in another
//    tab, or its sidebar entry deleted in another tab), the server refetches this tab's sidebar through Chainlit
//    and sends a window message (pulsepal/web/history_push.py); the tab then starts a new chat with Chainlit's own
//    "New chat" button, as Chainlit does itself when the open conversation is deleted from its sidebar.
(function () {
  "use strict";
  const root = document.documentElement;
  const RUN_AT_ONCE = ["download", "pin", "unpin", "unshare", "export-all", "delete-all"];
  const THREAD_ID = /^thread-([0-9a-f-]{36})$/;
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
        loadPins();
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

  // ------------------------------------------------------------------------------------------------- pins
  let pinned = [];  // [{session_id, title}] of the signed-in user, most recently active first
  let pinsLoading = false;
  let seenThreads = "";

  async function loadPins() {
    if (pinsLoading) return;
    pinsLoading = true;
    try {
      const res = await fetch("/pulsepal/pins", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.ok) pinned = (await res.json()).pinned || [];
    } catch (e) {
      // offline for a moment: the next change of the sidebar asks again
    } finally {
      pinsLoading = false;
    }
    showPins();
  }

  async function setPin(sessionId, value) {
    const res = await fetch("/pulsepal/pins/" + encodeURIComponent(sessionId), {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ pinned: value }),
    });
    if (!res.ok) {
      let detail = res.status + "";
      try { detail = (await res.json()).detail || detail; } catch (e) { /* not JSON */ }
      window.alert("Could not " + (value ? "pin" : "unpin") + " this conversation: " + detail);
    }
    await loadPins();
  }

  function threadItems() {
    return Array.from(document.querySelectorAll("li[data-sidebar='menu-item'][id^='thread-']"))
      .filter((li) => THREAD_ID.test(li.id) && !li.closest("[data-pulsepal-pins]"));
  }

  function openThread(sessionId) {
    const link = document.querySelector(`li#thread-${CSS.escape(sessionId)} a[href]`);
    if (link && !link.closest("[data-pulsepal-pins]")) link.click();  // Chainlit's own link: no page reload
    else window.location.assign("/thread/" + encodeURIComponent(sessionId));
  }

  function showPins() {
    const ids = new Set(pinned.map((p) => p.session_id));
    const items = threadItems();
    for (const li of items) {
      const id = THREAD_ID.exec(li.id)[1];
      if (ids.has(id)) li.setAttribute("data-pulsepal-pinned", "true");
      else li.removeAttribute("data-pulsepal-pinned");
    }
    let box = document.querySelector("[data-pulsepal-pins]");
    const firstGroup = items.length ? items[0].closest("[data-sidebar='group']") : null;
    if (!pinned.length || !firstGroup) {
      if (box) box.remove();
      return;
    }
    if (!box || box.nextElementSibling !== firstGroup) {
      if (box) box.remove();
      box = document.createElement("div");
      box.setAttribute("data-pulsepal-pins", "");
      box.className = firstGroup.className;
      firstGroup.parentNode.insertBefore(box, firstGroup);
    }
    const label = document.createElement("div");
    const nativeLabel = firstGroup.querySelector("[data-sidebar='group-label']");
    label.className = nativeLabel ? nativeLabel.className : "";
    label.textContent = "Pinned";
    const list = document.createElement("ul");
    const nativeList = firstGroup.querySelector("ul[data-sidebar='menu']");
    list.className = nativeList ? nativeList.className : "";
    const nativeButton = firstGroup.querySelector("[data-sidebar='menu-button']");
    const current = (window.location.pathname.match(/\/thread\/([0-9a-f-]{36})/) || [])[1];
    for (const p of pinned) {
      const li = document.createElement("li");
      li.className = "pulsepal-pin";
      li.setAttribute("data-session", p.session_id);
      const button = document.createElement("button");
      button.type = "button";
      button.className = (nativeButton ? nativeButton.className : "") + " pulsepal-pin-button";
      button.setAttribute("data-active", String(p.session_id === current));
      button.title = p.title;
      const text = document.createElement("span");
      text.className = "truncate";
      text.textContent = p.title;
      button.append(text);
      button.addEventListener("click", () => openThread(p.session_id));
      li.append(button);
      list.append(li);
    }
    box.replaceChildren(label, list);
  }

  function closeMenu(menu) {
    // Chainlit's menu closes on Escape or a press outside it; a synthetic Escape is enough when focus is inside
    const escape = { key: "Escape", code: "Escape", keyCode: 27, bubbles: true, cancelable: true };
    (menu.contains(document.activeElement) ? document.activeElement : menu).dispatchEvent(new KeyboardEvent("keydown", escape));
    if (menu.isConnected && menu.getAttribute("data-state") === "open") {
      document.body.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, cancelable: true }));
    }
  }

  function addPinEntry(menu) {
    if (menu.querySelector("#pin-thread")) return;
    const rename = menu.querySelector("#rename-thread");
    // the "..." that opened this menu (Chainlit gives every one the same id; the open one says it is expanded)
    const trigger = document.querySelector("li[id^='thread-'] [aria-haspopup='menu'][aria-expanded='true']");
    const li = trigger ? trigger.closest("li[id^='thread-']") : null;
    const match = li ? THREAD_ID.exec(li.id) : null;
    if (!rename || !match) return;
    const sessionId = match[1];
    const isPinned = pinned.some((p) => p.session_id === sessionId);
    const item = document.createElement("div");
    item.id = "pin-thread";
    item.setAttribute("role", "menuitem");
    item.tabIndex = -1;
    item.className = rename.className;
    const text = document.createElement("span");
    text.textContent = isPinned ? "Unpin" : "Pin";
    item.append(text);
    item.addEventListener("click", async (ev) => {
      ev.preventDefault();
      closeMenu(menu);
      await setPin(sessionId, !isPinned);
    });
    rename.parentNode.insertBefore(item, rename);
  }

  function onPageChange() {
    runChosenCommand();
    if (!known && document.getElementById("user-nav-button")) whoAmI();
    for (const menu of document.querySelectorAll("[role='menu']")) addPinEntry(menu);
    if (!known) return;
    const threads = threadItems().map((li) => li.id).join(",");
    if (threads !== seenThreads) {  // the sidebar changed (a new chat, a rename, a deletion): pins may have too
      seenThreads = threads;
      loadPins();
    } else if (pinned.length && !document.querySelector("[data-pulsepal-pins]")) {
      showPins();  // Chainlit re-drew the sidebar and dropped the group
    }
  }

  // ------------------------------------------------------------------------------- the open one was deleted
  const DELETED = "pulsepal-conversation-deleted";
  const UUID = /^[0-9a-f-]{36}$/;

  function startNewChat() {
    const button = document.getElementById("new-chat-button");
    if (!button) return;
    button.click();
    setTimeout(() => {  // with confirm_new_chat on, Chainlit asks first; the conversation is gone, so yes
      const confirm = document.querySelector("#new-chat-dialog #confirm");
      if (confirm) confirm.click();
    }, 0);
  }

  window.addEventListener("message", (ev) => {
    // Chainlit hands a window_message to window.parent, which is this very window when the page is not framed
    if (ev.source !== window || ev.origin !== window.location.origin) return;
    const data = ev.data;
    if (!data || data.kind !== DELETED || typeof data.thread !== "string" || !UUID.test(data.thread)) return;
    const here = (window.location.pathname.match(/\/thread\/([0-9a-f-]{36})$/) || [])[1];
    if (here && here !== data.thread) return;  // the tab has moved to another conversation meanwhile
    // Wait until the sidebar's refetch has dropped the conversation (a new chat resets what triggers that
    // refetch, so pressing the button first could leave the old list), a few seconds at most.
    const deadline = Date.now() + 4000;
    (function whenRefetched() {
      if (document.getElementById("thread-" + data.thread) && Date.now() < deadline) {
        setTimeout(whenRefetched, 50);
        return;
      }
      startNewChat();
    })();
  });

  // Ask who is signed in once the page shows a signed-in user (Chainlit's user menu), not before.
  new MutationObserver(onPageChange).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", () => showPins());
})();
