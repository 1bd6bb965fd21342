import Security

/// Password hashes made with chosen scrypt costs, to stand for hashes stored long ago.
enum PasswordHasherFactory {
    static func hash(_ password: String, logN: Int) throws -> String {
        try PasswordHasher(parameters: ScryptParameters(logN: logN, blockSize: 8, parallelism: 1))
            .hash(password)
    }
}
