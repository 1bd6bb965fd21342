print("portal-api")
