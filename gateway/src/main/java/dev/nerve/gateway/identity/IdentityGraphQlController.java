package dev.nerve.gateway.identity;

import dev.nerve.gateway.security.Caller;
import dev.nerve.gateway.security.Guard;
import graphql.GraphQLContext;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;

/** GraphQL for sessions ({@code authLogin}, {@code authRefresh}, {@code authLogout}, {@code me}) and identity administration. */
@Controller
class IdentityGraphQlController {

  private final TokenService tokens;
  private final IdentityAdmin admin;
  private final SigningKeys signingKeys;
  private final Guard guard;

  IdentityGraphQlController(TokenService tokens, IdentityAdmin admin, SigningKeys signingKeys, Guard guard) {
    this.tokens = tokens;
    this.admin = admin;
    this.signingKeys = signingKeys;
    this.guard = guard;
  }

  @MutationMapping
  TokenService.TokenPair authLogin(@Argument Map<String, Object> input, GraphQLContext context) {
    IdentityInputs.Login login =
        IdentityInputs.login(string(input, "username"), string(input, "password"), null);
    guard.chargeLogin(caller(context), login.username());
    return tokens.login(login.username(), login.password());
  }

  @MutationMapping
  TokenService.TokenPair authRefresh(@Argument Map<String, Object> input, GraphQLContext context) {
    String token = IdentityInputs.required("input.refreshToken", string(input, "refreshToken"));
    guard.chargeLogin(caller(context), null);
    return tokens.refresh(token);
  }

  @MutationMapping
  boolean authLogout(@Argument Map<String, Object> input) {
    tokens.logout(IdentityInputs.required("input.refreshToken", string(input, "refreshToken")));
    return true;
  }

  @QueryMapping
  IdentityViews.Me me() {
    return IdentityViews.Me.of(admin.current());
  }

  @SchemaMapping(typeName = "IdentityQuery")
  List<IdentityViews.User> users() {
    return admin.users().stream().map(IdentityViews.User::of).toList();
  }

  @SchemaMapping(typeName = "IdentityQuery")
  List<ApiKeys.ApiKey> apiKeys() {
    return admin.apiKeys();
  }

  @MutationMapping
  IdentityViews.User identityUsersCreate(@Argument Map<String, Object> input) {
    return IdentityViews.User.of(
        admin.createUser(
            new IdentityInputs.NewUser(string(input, "username"), string(input, "password"), strings(input, "roles"))));
  }

  @MutationMapping
  IdentityViews.User identityUsersDisable(@Argument String id) {
    return IdentityViews.User.of(admin.disableUser(IdentityInputs.uuid("id", id)));
  }

  @MutationMapping
  ApiKeys.Created identityApiKeysCreate(@Argument Map<String, Object> input) {
    return admin.createApiKey(new IdentityInputs.NewApiKey(string(input, "name"), strings(input, "roles")));
  }

  @MutationMapping
  ApiKeys.ApiKey identityApiKeysRevoke(@Argument String id) {
    return admin.revokeApiKey(IdentityInputs.uuid("id", id));
  }

  @MutationMapping
  String identitySigningKeysRotate() {
    return signingKeys.rotate();
  }

  private static Caller caller(GraphQLContext context) {
    Caller caller = context.get(Caller.class);
    return caller == null ? Caller.anonymous("unknown") : caller;
  }

  private static String string(Map<String, Object> input, String key) {
    return input == null || input.get(key) == null ? null : String.valueOf(input.get(key));
  }

  private static List<String> strings(Map<String, Object> input, String key) {
    if (input == null || !(input.get(key) instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).toList();
  }
}
