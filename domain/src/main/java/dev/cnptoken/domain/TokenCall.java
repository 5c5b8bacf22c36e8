package dev.cnptoken.domain;

/** The two FortiCNP authentication calls. */
public enum TokenCall {
    /** Get Credentials Token: {@code POST /api/v1/auth/credentials/token/} with the API credential. */
    LOGIN("/api/v1/auth/credentials/token/", "client_credentials"),
    /** Get Refresh Token: {@code POST /api/v1/auth/token/refresh} with a refresh token. */
    REFRESH("/api/v1/auth/token/refresh", "refresh_token");

    private final String path;
    private final String grantType;

    TokenCall(String path, String grantType) {
        this.path = path;
        this.grantType = grantType;
    }

    /** The documented request path. */
    public String path() {
        return path;
    }

    /** The form field {@code grant_type} this call sends. */
    public String grantType() {
        return grantType;
    }

    /** What a refusal of this call is about. */
    public Failure.Subject rejectedSubject() {
        return this == LOGIN ? Failure.Subject.CREDENTIAL : Failure.Subject.REFRESH_TOKEN;
    }
}
