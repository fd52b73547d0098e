print("wagate")
