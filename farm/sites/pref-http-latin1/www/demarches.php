{{define "title"}}Vos démarches{{end}}
{{define "main"}}
<h1>Vos démarches</h1>
<p><b>Titres de séjour</b> : l'accueil des étrangers reçoit uniquement sur rendez-vous, du lundi au jeudi.</p>
<p><b>Certificats d'immatriculation</b> : les guichets sont fermés ; les démarches se font sur le site de l'ANTS.</p>
<p><b>Associations</b> : déclaration de création, modification ou dissolution auprès du greffe des associations.</p>
<p>Pour toute précision, <a href="contact.php">écrivez au service compétent</a>.</p>
{{end}}
