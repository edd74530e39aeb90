"use strict";
// The only thing the login page does with script: say that the last token was wrong.
if (new URLSearchParams(window.location.search).has("failed")) {
  document.getElementById("failed").hidden = false;
}
