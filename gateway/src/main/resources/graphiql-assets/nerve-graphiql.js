// Starts GraphiQL against this server: HTTP for queries and mutations, graphql-transport-ws on the
// same origin for subscriptions (the header editor's headers become the connection_init payload,
// which is how the gateway authenticates a WebSocket). Nothing is loaded from other origins.
(function () {
  var element = document.getElementById('graphiql');
  var http = new URL(element.dataset.graphqlPath, window.location.href);
  var ws = new URL(element.dataset.subscriptionPath, window.location.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({ url: http.href, subscriptionUrl: ws.href });
  ReactDOM.createRoot(element).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: '{"Authorization": "Bearer <token>"}',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
      defaultQuery:
        '# Put an access token (POST /api/v1/auth/token) or an API key in the Authorization header below,\n' +
        '# then run this query with the play button or Ctrl-Enter.\n' +
        '{\n  me {\n    userId\n    tenantId\n    roles\n  }\n}\n'
    }));
})();
