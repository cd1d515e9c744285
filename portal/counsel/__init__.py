""" "5+1" counsel groups: small firms with standing counsel lawyers, services and coverage."""
