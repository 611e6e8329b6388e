
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.changes (
    space text NOT NULL,
    server_seq bigint NOT NULL,
    site text NOT NULL,
    seq bigint NOT NULL,
    json bytea NOT NULL
);

CREATE TABLE public.folio_schema (
    version integer NOT NULL
);

CREATE TABLE public.site_heads (
    space text NOT NULL,
    site text NOT NULL,
    seq bigint NOT NULL
);

CREATE TABLE public.site_owners (
    space text NOT NULL,
    site text NOT NULL,
    user_name text NOT NULL
);

CREATE TABLE public.spaces (
    name text NOT NULL,
    created bigint NOT NULL,
    head bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.tokens (
    hash text NOT NULL,
    space text NOT NULL,
    user_name text NOT NULL,
    read_only boolean NOT NULL,
    created bigint NOT NULL,
    revoked bigint
);

INSERT INTO public.changes VALUES ('team', 1, '0123456789abcdef0123456789abcdef', 1, '\x7b22617574686f72223a22616c696365222c22656e74697479223a7b226964223a226131222c226b696e64223a2261727469636c65227d2c226669656c64223a227469746c65222c22686c63223a2230313866336132623463356430303030222c226f70223a22736574222c22736571223a312c2273697465223a223031323334353637383961626364656630313233343536373839616263646566222c2276616c7565223a224669727374227d');
INSERT INTO public.changes VALUES ('team', 2, '0123456789abcdef0123456789abcdef', 2, '\x7b22617574686f72223a22616c696365222c22656e74697479223a7b226964223a226131222c226b696e64223a2261727469636c65227d2c226669656c64223a227469746c65222c22686c63223a2230313866336132623463356430303031222c226f70223a22736574222c2270726564223a5b7b22736571223a312c2273697465223a223031323334353637383961626364656630313233343536373839616263646566227d5d2c22736571223a322c2273697465223a223031323334353637383961626364656630313233343536373839616263646566222c2276616c7565223a225365636f6e64227d');

INSERT INTO public.folio_schema VALUES (1);

INSERT INTO public.site_heads VALUES ('team', '0123456789abcdef0123456789abcdef', 2);

INSERT INTO public.site_owners VALUES ('team', '0123456789abcdef0123456789abcdef', 'alice');

INSERT INTO public.spaces VALUES ('other', 1796026532, 0);
INSERT INTO public.spaces VALUES ('team', 1796026532, 2);

INSERT INTO public.tokens VALUES ('db7c0b9f985eb5b68b991c7d1984006546728caf1ec221a845cbbed316259e11', 'team', 'alice', false, 1796026532, NULL);
INSERT INTO public.tokens VALUES ('84d6663da469e44f7b4a31d6bb5aa91de67e1a010146d7296c1c97fd1df8e163', 'team', 'bob', true, 1796026532, NULL);

ALTER TABLE ONLY public.changes
    ADD CONSTRAINT changes_pkey PRIMARY KEY (space, server_seq);

ALTER TABLE ONLY public.changes
    ADD CONSTRAINT changes_space_site_seq_key UNIQUE (space, site, seq);

ALTER TABLE ONLY public.site_heads
    ADD CONSTRAINT site_heads_pkey PRIMARY KEY (space, site);

ALTER TABLE ONLY public.site_owners
    ADD CONSTRAINT site_owners_pkey PRIMARY KEY (space, site);

ALTER TABLE ONLY public.spaces
    ADD CONSTRAINT spaces_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (hash);

CREATE INDEX tokens_by_space ON public.tokens USING btree (space, created);

ALTER TABLE ONLY public.changes
    ADD CONSTRAINT changes_space_fkey FOREIGN KEY (space) REFERENCES public.spaces(name);

ALTER TABLE ONLY public.site_heads
    ADD CONSTRAINT site_heads_space_fkey FOREIGN KEY (space) REFERENCES public.spaces(name);

ALTER TABLE ONLY public.site_owners
    ADD CONSTRAINT site_owners_space_fkey FOREIGN KEY (space) REFERENCES public.spaces(name);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_space_fkey FOREIGN KEY (space) REFERENCES public.spaces(name);

