"""The archive (一户一档) in three copies: checklist, documents and their printed copies."""
