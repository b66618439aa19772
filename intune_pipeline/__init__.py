"""Keep Oomnitza's People records in step with the users of a Microsoft Intune / Entra ID tenant."""
