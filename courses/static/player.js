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

  // The server marked the line the address asks for; from here on the video's time decides.
  var marked = document.querySelector("li.transcript-current a[data-seconds]");
  var current = marked;
  if (marked) {
    marked.setAttribute("aria-current", "time");
  }
  video.addEventListener("timeupdate", function () {
    // A seek lands on the nearest frame, which may be a little before the second asked for.
    var now = video.currentTime + 0.5;
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
