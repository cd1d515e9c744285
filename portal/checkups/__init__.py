"""Legal check-ups (法治体检): scheduling, findings and risk reports."""
