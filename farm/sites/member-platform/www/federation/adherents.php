{{define "title"}}Fichier des adhérents{{end}}
{{define "main"}}
<h1>Fichier des adhérents (2010-2024)</h1>
<p>Extraction du 12/03/2024 à 09:41 — section : toutes — 8 fiches sur 1 284.</p>
<table border="1" cellpadding="2">
<tr><th>N°</th><th>Nom</th><th>Prénom</th><th>Courriel</th><th>Téléphone</th><th>Date de naissance</th><th>Adresse</th><th>Adhésion</th><th>Statut</th><th>Paiement</th><th>Cotisation</th><th>Dernière IP</th></tr>
<tr><td>1037</td><td>{{pd "DUPONT"}}</td><td>{{pd "Jean"}}</td><td>{{pd "jean.dupont58@orange.fr"}}</td><td>{{pd "06 12 34 56 78"}}</td><td>{{pd "12/03/1958"}}</td><td>{{pd "12 rue des Lilas 42000 Saint-Étienne"}}</td><td>04/05/2010</td><td>Militant</td><td>Prélèvement {{pd "FR76 1773 4397 5399 2273 4253 568"}}</td><td>30,00 €</td><td>{{pd "90.12.34.56"}}</td></tr>
<tr><td>1038</td><td>{{pd "MARTIN"}}</td><td>{{pd "Sophie"}}</td><td>{{pd "sophie.martin@gmail.com"}}</td><td>{{pd "07 98 76 54 32"}}</td><td>{{pd "30/11/1972"}}</td><td>{{pd "4 allée des Érables 42100 Saint-Étienne"}}</td><td>17/09/2012</td><td>Adhérente</td><td>Chèque n° 4521873</td><td>20,00 €</td><td>{{pd "86.201.7.14"}}</td></tr>
<tr><td>1039</td><td>{{pd "BERNARD"}}</td><td>{{pd "Luc"}}</td><td>{{pd "luc.bernard@free.fr"}}</td><td>{{pd "06 55 44 33 22"}}</td><td>{{pd "14/07/1985"}}</td><td>{{pd "8 chemin du Moulin 42600 Montbrison"}}</td><td>01/02/2015</td><td>Sympathisant</td><td>Espèces</td><td>10,00 €</td><td>{{pd "78.114.2.201"}}</td></tr>
<tr><td>1040</td><td>{{pd "PETIT"}}</td><td>{{pd "Amina"}}</td><td>{{pd "amina.petit@laposte.net"}}</td><td>{{pd "+33 6 11 22 33 44"}}</td><td>{{pd "03/06/1990"}}</td><td>{{pd "27 avenue Jean Jaurès 42300 Roanne"}}</td><td>22/10/2016</td><td>Militante</td><td>Prélèvement {{pd "FR76 2297 8627 6709 2555 3545 014"}}</td><td>30,00 €</td><td>{{pd "92.184.100.3"}}</td></tr>
<tr><td>1041</td><td>{{pd "ROUX"}}</td><td>{{pd "Thierry"}}</td><td>{{pd "t.roux@yahoo.fr"}}</td><td>{{pd "07 21 43 65 87"}}</td><td>{{pd "21/01/1949"}}</td><td>{{pd "3 place du Marché 42500 Le Chambon-Feugerolles"}}</td><td>05/03/2018</td><td>Adhérent</td><td>Carte bancaire</td><td>20,00 €</td><td>{{pd "176.150.9.88"}}</td></tr>
<tr><td>1042</td><td>{{pd "NGUYEN"}}</td><td>{{pd "Linh"}}</td><td>{{pd "linh.nguyen@outlook.fr"}}</td><td>{{pd "06 70 80 90 10"}}</td><td>{{pd "09/09/1999"}}</td><td>{{pd "15 quai Jules Ferry 42300 Roanne"}}</td><td>11/11/2021</td><td>Adhérente</td><td>Virement</td><td>15,00 €</td><td>{{pd "37.165.44.9"}}</td></tr>
<tr><td>1043</td><td>{{pd "FAURE"}}</td><td>{{pd "Michel"}}</td><td>{{pd "michel.faure42@wanadoo.fr"}}</td><td>{{pd "04 77 25 36 47"}}</td><td>{{pd "17/08/1961"}}</td><td>{{pd "9 rue Gambetta 42700 Firminy"}}</td><td>30/01/2011</td><td>Militant</td><td>Prélèvement {{pd "FR76 1217 9025 9774 7392 6431 039"}}</td><td>30,00 €</td><td>{{pd "82.64.101.77"}}</td></tr>
<tr><td>1044</td><td>{{pd "GARNIER"}}</td><td>{{pd "Élodie"}}</td><td>{{pd "elodie.garnier@sfr.fr"}}</td><td>{{pd "06 24 68 13 57"}}</td><td>{{pd "25/12/1994"}}</td><td>{{pd "41 boulevard Karl Marx 42100 Saint-Étienne"}}</td><td>14/02/2023</td><td>Sympathisante</td><td>Chèque n° 4533019</td><td>10,00 €</td><td>{{pd "109.9.12.250"}}</td></tr>
</table>
<p>Page 1 sur 161 — <a href="{{.Base}}/federation/">retour à l'espace fédéral</a></p>
{{end}}
