"""Chamber people's mediation committees, cases, sessions, agreements, dossiers and the ledger."""
