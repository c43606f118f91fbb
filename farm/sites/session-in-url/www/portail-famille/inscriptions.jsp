{{define "title"}}Calendrier des inscriptions{{end}}
{{define "main"}}
<h1>Calendrier des inscriptions</h1>
<p>Rentrée de septembre : inscriptions du 02/05/2024 au 15/06/2024. Vacances d'été : du 15/04/2024 au 31/05/2024.</p>
<p><a href="{{.Base}}/portail-famille/accueil.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728">Retour au portail</a></p>
{{end}}
