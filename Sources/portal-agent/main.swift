print("portal-agent")
