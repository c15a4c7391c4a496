"""The sandbox's demo accounts (username = password) and what each one shows. Import-free, so the
command line can list them in `serve --help` without loading the sandbox."""

ACCOUNTS: dict[str, str] = {
    "demo": "demande importée du fichier national, liée, dossier incomplet (3 personnes)",
    "complet": "1 personne, dossier complet, liée, prête à candidater",
    "renouvellement": "dossier complet, renouvellement dû dans 20 jours",
    "brouillon": "situation 1 : brouillon sur AL-in, pas de numéro, pas de compte national",
    "numero": "situation 2 : numéro obtenu sur AL-in, pas de compte national, non liée",
    "foyer-01": "foyer suivi : demande radiée (RADREN)",
    "foyer-02": "foyer suivi : demande non liée à AL-in",
    "foyer-03": "foyer suivi : situation AL-in à mettre à jour",
    "foyer-04": "foyer suivi : dossier incomplet",
    "foyer-05": "foyer suivi : prêt à candidater",
}
