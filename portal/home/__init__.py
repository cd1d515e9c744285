"""The shell: home pages by role, language switch, inbox, health check and error pages."""
