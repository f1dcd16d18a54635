// The browse pages' one script, progressive enhancement only: every page works without it.
// It adds copy buttons beside what a reader copies (the `wreg add` line, digests), writes the
// registry's address into the wkg and OCI lines when the server was not told it (--public-url),
// and, on the front page, shows results while the reader types. Text from the registry is put into the page
// with textContent only, never as markup.
"use strict";

function fillInThisHost() {
  for (const placeholder of document.querySelectorAll(".this-host")) {
    placeholder.textContent = location.host;
  }
}

// An element's `data-copy` is the text to copy; empty, its own text is (after fillInThisHost).
function addCopyButtons() {
  if (!navigator.clipboard) return; // not a secure context: nothing to copy with
  for (const target of document.querySelectorAll("[data-copy]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + (target.dataset.copyLabel || "this"));
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.dataset.copy || target.textContent);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Not copied";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
    target.after(button);
  }
}

function packageItem(found) {
  const [space, name] = found.name.split(":");
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = "/packages/" + encodeURIComponent(space) + "/" + encodeURIComponent(name);
  link.textContent = found.name;
  const version = document.createElement("span");
  version.className = "version";
  version.textContent = found.latest;
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = found.kind === "wit" ? "WIT package" : "Component";
  item.append(link, " ", version, " ", kind);
  if (found.description) {
    const description = document.createElement("p");
    description.textContent = found.description;
    item.append(description);
  }
  return item;
}

// Front page: the list under "All packages" follows the search box as the reader types. The
// form still submits as before, and a link to the results page keeps its address.
function searchAsYouType() {
  const form = document.querySelector("form.find");
  const input = document.getElementById("q");
  const results = document.getElementById("results");
  if (!form || !input || !results) return;
  let pending = null;
  let asked = 0;
  input.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const query = new URLSearchParams(new FormData(form));
      for (const [field, value] of [...query]) {
        if (!value) query.delete(field);
      }
      const ask = ++asked;
      let page;
      try {
        const response = await fetch("/api/v1/packages?" + query, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return; // the submitted form shows the reason
        page = await response.json();
      } catch {
        return;
      }
      if (ask !== asked) return; // a newer search answered first
      const list = document.createElement("ul");
      list.className = "packages";
      for (const found of page.packages) list.append(packageItem(found));
      const heading = document.getElementById("listed");
      heading.textContent = query.toString() ? "Results" : "All packages";
      const replaced = [...results.children].filter((child) => child !== heading);
      for (const child of replaced) child.remove();
      if (page.packages.length > 0) {
        results.append(list);
      } else {
        const none = document.createElement("p");
        none.textContent = "No package matches.";
        results.append(none);
      }
      history.replaceState(null, "", query.toString() ? "/?" + query : "/");
    }, 200);
  });
}

fillInThisHost();
addCopyButtons();
searchAsYouType();
