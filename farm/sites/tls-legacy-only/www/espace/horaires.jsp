{{define "title"}}Horaires des centres de prélèvement{{end}}
{{define "main"}}
<h1>Horaires des centres de prélèvement</h1>
<p>Du lundi au vendredi de 7 h 30 à 12 h, le samedi de 8 h à 11 h.</p>
{{end}}
