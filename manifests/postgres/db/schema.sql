-- Idempotent: run by the `migrate` resource on every `aspire up`.
create table if not exists items (
    id          integer primary key,
    name        text not null,
    price_cents integer not null check (price_cents >= 0)
);

insert into items (id, name, price_cents) values
    (1, 'Teapot', 2400),
    (2, 'Kettle', 3900),
    (3, 'Mug', 800)
on conflict (id) do nothing;
