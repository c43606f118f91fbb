{{define "title"}}Fiche adhérent n° 1042{{end}}
{{define "main"}}
<h1>Fiche adhérent n° 1042</h1>
<table>
<tr><th>Nom</th><td>{{pd "NGUYEN Linh"}}</td></tr>
<tr><th>Né(e) le</th><td>{{pd "09/09/1999"}} à Lyon</td></tr>
<tr><th>N° de sécurité sociale</th><td>{{pd "2 99 01 42 218 011 87"}}</td></tr>
<tr><th>Adresse</th><td>{{pd "15 quai Jules Ferry 42300 Roanne"}}</td></tr>
<tr><th>Courriel</th><td>{{pd "linh.nguyen@outlook.fr"}}</td></tr>
<tr><th>Téléphone</th><td>{{pd "06 70 80 90 10"}}</td></tr>
<tr><th>Statut</th><td>Adhérente depuis le 11/11/2021, militante de la section de Roanne</td></tr>
<tr><th>Paiement</th><td>Virement, IBAN {{pd "FR76 1948 2077 1369 6726 5098 865"}}</td></tr>
<tr><th>Historique</th><td>Cotisations 2021, 2022, 2023, 2024 — relance du 02/01/2024</td></tr>
</table>
<p><a href="{{.Base}}/federation/">Retour à l'espace fédéral</a></p>
{{end}}
