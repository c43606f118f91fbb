module vigie

go 1.26
