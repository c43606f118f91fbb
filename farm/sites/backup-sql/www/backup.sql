-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)
-- Host: localhost    Database: camping
CREATE TABLE `reservations` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `nom` varchar(100) NOT NULL,
  `email` varchar(150) NOT NULL,
  `telephone` varchar(20) NOT NULL,
  `date_naissance` date NOT NULL,
  `emplacement` int(11) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `reservations` VALUES (1,'{{pd "Martine Lefort"}}','{{pd "martine.lefort@free.fr"}}','{{pd "06 21 43 65 87"}}','{{pd "1958-03-12"}}',14),(2,'{{pd "Julien Carre"}}','{{pd "j.carre@gmail.com"}}','{{pd "07 66 12 90 45"}}','{{pd "1990-10-02"}}',3),(3,'{{pd "Sophie Albert"}}','{{pd "sophie.albert@hotmail.fr"}}','{{pd "06 98 76 54 12"}}','{{pd "1979-06-21"}}',27),(4,'{{pd "Paul Girard"}}','{{pd "paul.girard@sfr.fr"}}','{{pd "06 45 32 10 98"}}','{{pd "1966-12-05"}}',41);
