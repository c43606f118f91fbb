{{define "title"}}Connexion à l'espace adhérents{{end}}
{{define "main"}}
<h1>Espace adhérents</h1>
<form action="{{.Base}}/espace-adherents/connexion.php" method="post">
  <table>
    <tr><td><label for="login">Adresse électronique</label></td><td><input type="email" id="login" name="login" autocomplete="username"></td></tr>
    <tr><td><label for="mdp">Mot de passe</label></td><td><input type="password" id="mdp" name="mdp" autocomplete="current-password"></td></tr>
  </table>
  <input type="submit" value="Se connecter">
</form>
<p>Première connexion ? Utilisez le numéro d'adhérent figurant sur votre carte.</p>
{{end}}
