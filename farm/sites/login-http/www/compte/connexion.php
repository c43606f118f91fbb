{{define "title"}}Mon espace locataire{{end}}
{{define "main"}}
<h1>Mon espace locataire</h1>
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-md-6">
    <h2>Se connecter</h2>
    <form method="post" action="/compte/connexion.php" id="connexion">
      <div class="fr-input-group">
        <label class="fr-label" for="login-email">Adresse électronique</label>
        <input class="fr-input" type="email" id="login-email" name="email" autocomplete="username">
      </div>
      <div class="fr-input-group">
        <label class="fr-label" for="login-mdp">Mot de passe</label>
        <input class="fr-input" type="password" id="login-mdp" name="mdp" autocomplete="current-password">
      </div>
      <div class="fr-checkbox-group">
        <input type="checkbox" id="souvenir" name="souvenir"><label class="fr-label" for="souvenir">Se souvenir de moi</label>
      </div>
      <button class="fr-btn" type="submit">Connexion</button>
    </form>
    <p>Pas encore de compte ? <a href="{{.Base}}/compte/inscription.php">Créer mon espace</a></p>
  </div>
  <div class="fr-col-md-6">
    <h2>Mot de passe oublié ?</h2>
    <form method="post" action="/compte/oubli.php" id="oubli">
      <div class="fr-input-group">
        <label class="fr-label" for="oubli-email">Saisissez l'adresse électronique de votre compte</label>
        <input class="fr-input" type="email" id="oubli-email" name="email">
      </div>
      <button class="fr-btn fr-btn--secondary" type="submit">Recevoir un lien</button>
    </form>
  </div>
</div>
{{end}}
