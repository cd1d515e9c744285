"""Federation staff's settings pages: the working-day calendar and legal categories."""
