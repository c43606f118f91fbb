{{define "title"}}Portail famille{{end}}
{{define "main"}}
<h1>Portail famille</h1>
<p>Connectez-vous pour consulter vos factures et réserver les repas.</p>
<p><a href="{{.Base}}/portail-famille/inscriptions.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728">Calendrier des inscriptions</a></p>
{{end}}
