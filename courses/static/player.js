/* Lecture player: start at ?t=SECONDS, and let transcript links seek without reloading.
   The page works without this file: the video src carries a #t= media fragment and every
   transcript line is an ordinary link to ?t=SECONDS#player. */
(function () {
  "use strict";
  var video = document.getElementById("lecture-video");
  if (!video) {
    return;
  }
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-seconds]"));

  function seek(seconds) {
    if (video.readyState >= 1) {
      video.currentTime = seconds;
    } else {
      video.addEventListener("loadedmetadata", function () {
        video.currentTime = seconds;
      }, { once: true });
    }
  }

  var params = new URLSearchParams(window.location.search);
  var start = parseInt(params.get("t") || video.getAttribute("data-start") || "0", 10);
  if (start > 0) {
    seek(start);
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      seek(parseInt(link.getAttribute("data-seconds"), 10));
      var playing = video.play();
      if (playing && playing.catch) {
        playing.catch(function () {});
      }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", link.getAttribute("href"));
      }
      video.scrollIntoView({ block: "nearest" });
    });
  });

  var current = null;
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    var active = null;
    links.forEach(function (link) {
      if (parseInt(link.getAttribute("data-seconds"), 10) <= now) {
        active = link;
      }
    });
    if (active !== current) {
      if (current) {
        current.closest("li").classList.remove("transcript-current");
        current.removeAttribute("aria-current");
      }
      if (active) {
        active.closest("li").classList.add("transcript-current");
        active.setAttribute("aria-current", "time");
      }
      current = active;
    }
  });
})();
